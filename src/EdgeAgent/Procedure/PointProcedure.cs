using System.Globalization;
using EdgeAgent.Triggers;

namespace EdgeAgent.Procedure;

/// <summary>
/// The state machine of one maintenance point: which work order is open, which step it is in, and which
/// personal locks are on. Every trigger is stamped with a step; surprises become findings, never silence.
/// </summary>
public sealed class PointProcedure(string pointId, ProcedureTemplate template)
{
    private readonly HashSet<string> locksOn = new(StringComparer.Ordinal);
    private int reached = -1;

    public string PointId { get; } = pointId;

    public ProcedureTemplate Template { get; } = template;

    public string? WorkOrderId { get; private set; }

    public ProcedureStep? CurrentStep => reached >= 0 ? Template.Steps[reached] : null;

    public IReadOnlyCollection<string> LocksOn => locksOn;

    public StepDecision Handle(TriggerEvent trigger)
    {
        var findings = new List<string>();
        switch (trigger.Kind)
        {
            case TriggerKind.LockOn:
                locksOn.Add(trigger.Input);
                break;
            case TriggerKind.LockOff:
                if (!locksOn.Remove(trigger.Input) && trigger.LocksHeld is null)
                {
                    findings.Add($"unlock of '{trigger.Input}' without a recorded lock");
                }

                break;
        }

        if (trigger.LocksHeld is not null)
        {
            // The lock input service knows every lock, including those already on at start-up.
            locksOn.Clear();
            locksOn.UnionWith(trigger.LocksHeld);
        }

        if (trigger.Note is not null)
        {
            findings.Add(trigger.Note);
        }

        if (WorkOrderId is null)
        {
            WorkOrderId = NewWorkOrderId(trigger.EdgeTime);
            reached = -1;
            if (trigger.Kind == TriggerKind.LockOn)
            {
                findings.Add("lock applied with no open work order; one was started automatically");
            }
        }

        var target = FindTarget(trigger);
        if (target < 0)
        {
            if (reached < 0)
            {
                findings.Add($"{Describe(trigger)} before the first step '{Template.Steps[0].Id}'");
                return new StepDecision(WorkOrderId, Template.Id, Template.Steps[0], 0, findings);
            }

            findings.Add($"{Describe(trigger)} does not advance step '{Template.Steps[reached].Id}'");
            return new StepDecision(WorkOrderId, Template.Id, Template.Steps[reached], reached, findings);
        }

        for (var skipped = reached + 1; skipped < target; skipped++)
        {
            findings.Add($"step '{Template.Steps[skipped].Id}' was skipped");
        }

        reached = target;
        var workOrder = WorkOrderId;
        var completed = reached == Template.Steps.Count - 1;
        if (completed)
        {
            WorkOrderId = null;
        }

        return new StepDecision(workOrder, Template.Id, Template.Steps[target], target, findings) { Advanced = true, Completed = completed };
    }

    /// <summary>The step this trigger moves the job into, or -1.</summary>
    private int FindTarget(TriggerEvent trigger)
    {
        if (trigger.StepId is not null)
        {
            for (var i = reached + 1; i < Template.Steps.Count; i++)
            {
                if (Template.Steps[i].Id == trigger.StepId)
                {
                    return i;
                }
            }

            return -1;
        }

        var next = reached + 1;
        if (next >= Template.Steps.Count)
        {
            return -1;
        }

        return Matches(Template.Steps[next].AdvanceOn, trigger) ? next : -1;
    }

    private bool Matches(StepAdvance advance, TriggerEvent trigger) => advance switch
    {
        StepAdvance.Manual => trigger.Kind is TriggerKind.Manual or TriggerKind.Command,
        StepAdvance.Command => trigger.Kind == TriggerKind.Command,
        StepAdvance.LockOn => trigger.Kind == TriggerKind.LockOn,
        StepAdvance.LastLockOff => trigger.Kind == TriggerKind.LockOff && (trigger.LocksHeld is null ? locksOn.Count == 0 : trigger.Group == LockGroupTransition.LastLockOff),
        _ => false,
    };

    private static string Describe(TriggerEvent trigger) => $"{trigger.Kind} from {trigger.Source}/{trigger.Input}";

    private string NewWorkOrderId(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"WO-{PointId}-{at.UtcDateTime:yyyyMMdd-HHmmss}");
}
