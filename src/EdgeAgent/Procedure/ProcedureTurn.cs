using EdgeAgent.Triggers;

namespace EdgeAgent.Procedure;

/// <summary>One trigger applied to a point's state: lock bookkeeping, unsafe-sequence checks, job start, abort and step advance.</summary>
internal sealed partial class ProcedureTurn(PointProcedure point, PointState start, TriggerEvent trigger)
{
    private readonly List<Finding> findings = [.. start.Pending];
    private readonly HashSet<string> locks = new(start.LocksOn, StringComparer.Ordinal);
    private readonly DateTimeOffset at = trigger.EdgeTime;

    public PointState State { get; private set; } = start;

    private ProcedureTemplate Template => point.Template;

    public StepDecision Run()
    {
        if (trigger.AbortReason is not null)
        {
            return Abort(trigger.AbortReason);
        }

        if (trigger.Kind == TriggerKind.Timer && (State.WorkOrderId is null || StepMatcher.FindTarget(Template, State.Reached, trigger, locks.Count) < 0))
        {
            // A timer that the job overtook (advanced, aborted) while it waited on the bus: nothing to do.
            return State.WorkOrderId is null ? NoJob() : Decision(Math.Max(State.Reached, 0)) with { Capture = false };
        }

        if (State.WorkOrderId is null && trigger.Kind == TriggerKind.Scan && !RecognisedAtIdle())
        {
            Add(FindingCodes.OutOfOrder, $"scanned code '{trigger.Code}' at an idle point is neither a work order, a badge nor the first step");
            return NoJob();
        }

        TrackLocks();
        TrackHolder();
        if (trigger.Source == LockInputService.ReconciliationSource)
        {
            Add(FindingCodes.InputChangedWhileDown, $"lock '{trigger.Input}' {trigger.Note ?? "changed while the agent was down"}: it changed at an unknown time while the agent was down");
        }

        var opening = State.WorkOrderId is null ? Open() : null;
        if (trigger.Operator is not null && !State.Operators.Contains(trigger.Operator))
        {
            State = State with { Operators = [.. State.Operators, trigger.Operator] };
        }

        // A work-order code, badge or open command is consumed by opening the job; it confirms no step.
        var quietStart = opening is "scan" or "badge" || (opening == "command" && trigger.StepId is null);
        var target = quietStart ? -1 : StepMatcher.FindTarget(Template, State.Reached, trigger, locks.Count);
        if (target < 0)
        {
            if (trigger.Kind == TriggerKind.Scan && trigger.Operator is not null && !quietStart)
            {
                // A badge scanned during the job identifies a worker (and binds the next lock to close): not a step, no photo.
                return Decision(Math.Max(State.Reached, 0)) with { Capture = false };
            }

            if (!quietStart && trigger.Kind is not (TriggerKind.LockOn or TriggerKind.LockOff))
            {
                var expected = State.Reached + 1 < Template.Steps.Count ? Template.Steps[State.Reached + 1].Id : "(end)";
                Add(FindingCodes.OutOfOrder, $"{trigger.Kind} from {trigger.Source}/{trigger.Input} does not advance the job; next step is '{expected}'");
            }

            var index = Math.Max(State.Reached, 0);
            return Decision(index) with { Capture = !quietStart };
        }

        for (var skipped = State.Reached + 1; skipped < target; skipped++)
        {
            Add(FindingCodes.StepSkipped, $"step '{Template.Steps[skipped].Id}' was skipped", Template.Steps[skipped].Id);
        }

        var step = Template.Steps[target];
        if (step.Confirm.Contains("badge") && trigger.Operator is null)
        {
            Add(FindingCodes.ConfirmationMissing, $"step '{step.Id}' needs a badge confirmation; the trigger carried no operator", step.Id);
        }

        State = State with { Reached = target, StepEnteredAt = at, TimeoutReported = false };
        var completed = target == Template.Steps.Count - 1;
        var decision = Decision(target) with { Advanced = true, Completed = completed };
        if (completed)
        {
            Close();
        }

        return decision;
    }

    private void TrackLocks()
    {
        if (trigger.Kind == TriggerKind.LockOn)
        {
            locks.Add(trigger.Input);
        }
        else if (trigger.Kind == TriggerKind.LockOff)
        {
            if (!locks.Remove(trigger.Input) && trigger.LocksHeld is null)
            {
                Add(FindingCodes.UnlockWithoutLock, $"unlock of '{trigger.Input}' without a recorded lock");
            }
            else if (State.WorkOrderId is not null)
            {
                CheckUnlock();
            }
        }

        if (trigger.LocksHeld is { } held)
        {
            // The lock input service reads every line, including locks already on before this job was known.
            locks.Clear();
            locks.UnionWith(held);
        }

        State = State with { LocksOn = [.. locks.Order(StringComparer.Ordinal)] };
    }

    private void CheckUnlock()
    {
        var zero = Template.Steps.ToList().FindIndex(s => s.VerifiesZeroEnergy);
        if (zero >= 0 && State.Reached < zero)
        {
            Add(FindingCodes.UnlockBeforeZeroEnergy, $"lock '{trigger.Input}' removed before step '{Template.Steps[zero].Id}'");
        }

        var lastOff = Template.IndexOf(StepAdvance.LastLockOff);
        var cleared = lastOff > 0 ? lastOff - 1 : Template.Steps.Count - 1;
        if (locks.Count > 0 && State.Reached < cleared)
        {
            Add(FindingCodes.UnlockWhileLocked, $"lock '{trigger.Input}' removed while {string.Join(", ", locks)} still on, before step '{Template.Steps[cleared].Id}'");
        }
    }

    private StepDecision Decision(int index) => new(State.WorkOrderId!, Template.Id, Template.Steps[index], index, [.. findings])
    {
        ProcedureVersion = Template.Version,
        StartedBy = State.StartedBy,
        StartedAt = State.StartedAt,
        Operators = State.Operators,
        StepEnteredAt = State.StepEnteredAt,
        Holder = holder,
    };

    private void Add(string code, string message, string? stepId = null) =>
        findings.Add(point.NewFinding(code, message, stepId ?? (State.Reached >= 0 ? Template.Steps[State.Reached].Id : null), at, State.WorkOrderId));
}
