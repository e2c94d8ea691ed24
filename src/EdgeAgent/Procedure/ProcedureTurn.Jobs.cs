using EdgeAgent.Triggers;

namespace EdgeAgent.Procedure;

/// <summary>Opening, aborting and closing jobs.</summary>
internal sealed partial class ProcedureTurn
{
    /// <summary>Opens a job at an idle point; returns how it started.</summary>
    private string Open()
    {
        var policy = Template.WorkOrder;
        var (by, id) = trigger.Kind switch
        {
            TriggerKind.Scan when trigger.Code is { } code && StepMatcher.Matches(policy.CodePattern, code) => ("scan", code),
            TriggerKind.Scan when trigger.Code is { } code && StepMatcher.Matches(policy.BadgePattern, code) => ("badge", null),
            TriggerKind.Command when trigger.StepId is null => ("command", trigger.WorkOrderId),
            TriggerKind.LockOn => ("lock", null),
            _ => (trigger.Kind.ToString().ToLowerInvariant(), trigger.WorkOrderId),
        };
        if (by == "lock" && !policy.StartOn.Contains("lock"))
        {
            Add(FindingCodes.LockWithoutWorkOrder, $"lock '{trigger.Input}' applied with no open work order; one was opened automatically");
        }
        else if (by != "lock" && !policy.StartOn.Contains(by == "timer" ? "manual" : by))
        {
            Add(FindingCodes.OutOfOrder, $"a job of '{Template.Id}' cannot start by {by} (valid: {string.Join(", ", policy.StartOn)}); one was opened to record it");
        }

        IReadOnlyList<string> operators = by == "badge" ? [trigger.Code!] : [];
        State = State with { WorkOrderId = id ?? point.NewWorkOrderId(at), StartedBy = by, StartedAt = at, Operators = operators, Reached = -1, StepEnteredAt = at, TimeoutReported = false };
        return by;
    }

    private bool RecognisedAtIdle()
    {
        var policy = Template.WorkOrder;
        var code = trigger.Code ?? "";
        var first = Template.Steps[0];
        return StepMatcher.Matches(policy.CodePattern, code) || StepMatcher.Matches(policy.BadgePattern, code)
            || (first.AdvanceOn == StepAdvance.Scan && StepMatcher.Matches(first.ScanPattern!, code));
    }

    /// <summary>A decision outside any job: nothing captured, the findings still reported.</summary>
    private StepDecision NoJob() => new("(none)", Template.Id, Template.Steps[0], 0, [.. findings]) { Capture = false, ProcedureVersion = Template.Version };

    private StepDecision Abort(string reason)
    {
        if (State.WorkOrderId is null)
        {
            Add(FindingCodes.OutOfOrder, "abort with no open work order");
            return NoJob();
        }

        Add(FindingCodes.Aborted, $"work order aborted: {reason}");
        var decision = Decision(Math.Max(State.Reached, 0)) with { Aborted = true, AbortReason = reason };
        Close();
        return decision;
    }

    private void Close() => State = State with { WorkOrderId = null, StartedBy = null, StartedAt = null, Operators = [], Reached = -1, StepEnteredAt = null, TimeoutReported = false, LockHolders = new Dictionary<string, string>(StringComparer.Ordinal) };
}
