using System.Globalization;
using EdgeAgent.Triggers;

namespace EdgeAgent.Procedure;

/// <summary>
/// The state machine of one maintenance point: which work order is open, which step it is in, and which
/// personal locks are on. Every trigger is stamped with a step; surprises become findings, never silence.
/// The state is saved atomically after every change, so a restarted agent continues at the same step.
/// </summary>
public sealed class PointProcedure
{
    private readonly Lock gate = new();
    private readonly PointStateStore? store;
    private PointState state;
    private bool timerRequested;

    /// <summary>A point that starts idle and keeps its state nowhere (no store, no I/O).</summary>
    public PointProcedure(string pointId, ProcedureTemplate template, TimeSpan? badgeWindow = null)
        : this(pointId, template, null, null, null, badgeWindow)
    {
    }

    /// <summary>Only assigns: reading the saved state is <see cref="Open"/>'s.</summary>
    private PointProcedure(string pointId, ProcedureTemplate template, PointStateStore? store, PointState? saved, string? quarantined, TimeSpan? badgeWindow)
    {
        PointId = pointId;
        BadgeWindow = badgeWindow ?? LockHolder.DefaultBadgeWindow;
        Template = template;
        this.store = store;
        state = new PointState { PointId = pointId, ProcedureId = template.Id, ProcedureVersion = template.Version };
        Quarantined = quarantined;
        if (quarantined is not null)
        {
            var lost = new Finding(FindingCodes.StateLost, $"saved point state was unreadable, moved to {quarantined}; the point restarted idle", pointId, null, null, store!.TimeProvider.GetUtcNow());
            state = state with { Pending = [lost] };
        }

        if (saved is not null && saved.ProcedureId == template.Id && saved.Reached < template.Steps.Count)
        {
            state = saved;
        }
    }

    /// <summary>
    /// Opens the point with the state saved in <paramref name="store"/> (an unreadable file is moved aside and the
    /// point starts idle with a <c>state-lost</c> finding); the point saves its state there from now on.
    /// </summary>
    public static PointProcedure Open(string pointId, ProcedureTemplate template, PointStateStore store, TimeSpan? badgeWindow = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var saved = store.Load(pointId, out var quarantined);
        return new PointProcedure(pointId, template, store, saved, quarantined, badgeWindow);
    }

    public string PointId { get; }

    public ProcedureTemplate Template { get; }

    /// <summary>How long before a lock closes a badge scanned at the point binds the lock to the badge's holder.</summary>
    public TimeSpan BadgeWindow { get; }

    /// <summary>Set when the saved state was unreadable and moved to this path at start.</summary>
    public string? Quarantined { get; }

    /// <summary>A copy of the current state (for status and tests).</summary>
    public PointState State
    {
        get
        {
            lock (gate)
            {
                return state;
            }
        }
    }

    public string? WorkOrderId => State.WorkOrderId;

    public ProcedureStep? CurrentStep => State is { Reached: >= 0 } s ? Template.Steps[s.Reached] : null;

    public IReadOnlyCollection<string> LocksOn => State.LocksOn;

    public StepDecision Handle(TriggerEvent trigger)
    {
        lock (gate)
        {
            var turn = new ProcedureTurn(this, state, trigger);
            var decision = turn.Run();
            state = turn.State with { Pending = [] };
            timerRequested = false;
            store?.Save(state);
            return decision;
        }
    }

    /// <summary>
    /// Checks step time limits and timer steps at <paramref name="now"/>. Time-outs are returned once and also
    /// kept for the next record; a due timer step is returned for the caller to publish as a trigger.
    /// </summary>
    public (IReadOnlyList<Finding> Findings, string? TimerStepId) Tick(DateTimeOffset now)
    {
        lock (gate)
        {
            if (state.WorkOrderId is null || state.StepEnteredAt is not { } entered)
            {
                return ([], null);
            }

            var findings = new List<Finding>();
            var current = state.Reached >= 0 ? Template.Steps[state.Reached] : null;
            if (current?.TimeLimitSeconds is { } limit && !state.TimeoutReported && now - entered > TimeSpan.FromSeconds(limit))
            {
                var finding = NewFinding(FindingCodes.StepTimedOut, string.Create(CultureInfo.InvariantCulture, $"step '{current.Id}' exceeded its limit of {limit} s"), current.Id, now);
                findings.Add(finding);
                state = state with { TimeoutReported = true, Pending = [.. state.Pending, finding] };
                store?.Save(state);
            }

            string? timerStep = null;
            var next = state.Reached + 1 < Template.Steps.Count ? Template.Steps[state.Reached + 1] : null;
            if (next is { AdvanceOn: StepAdvance.Timer, AfterSeconds: { } after } && !timerRequested && now - entered >= TimeSpan.FromSeconds(after))
            {
                timerRequested = true;
                timerStep = next.Id;
            }

            return (findings, timerStep);
        }
    }

    /// <summary>Keeps findings that no record carried (every camera failed) for the next record of this point.</summary>
    public void Defer(IEnumerable<Finding> findings)
    {
        lock (gate)
        {
            var fresh = findings.Where(f => !state.Pending.Contains(f)).ToList();
            if (fresh.Count > 0)
            {
                state = state with { Pending = [.. state.Pending, .. fresh] };
                store?.Save(state);
            }
        }
    }

    public Finding NewFinding(string code, string message, string? stepId, DateTimeOffset at, string? workOrderId = null) =>
        new(code, message, PointId, workOrderId ?? state.WorkOrderId, stepId, at);

    internal string NewWorkOrderId(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"WO-{PointId}-{at.UtcDateTime:yyyyMMdd-HHmmss}");
}
