namespace EdgeAgent.Triggers;

/// <summary>What happened at a point. The evidence records it verbatim, so it says how a capture was triggered.</summary>
public enum TriggerKind
{
    /// <summary>A personal lock went on.</summary>
    LockOn,

    /// <summary>A personal lock came off.</summary>
    LockOff,

    /// <summary>A person confirmed a step (button, control socket, <c>edgeagent trigger</c>).</summary>
    Manual,

    /// <summary>The central system asked for it over MQTT.</summary>
    Command,

    /// <summary>A scanner read a badge, lock tag, work order or step confirmation (<see cref="TriggerEvent.Scan"/>, <see cref="TriggerEvent.Code"/>).</summary>
    Scan,

    /// <summary>A step's timer ran out (raised by the procedure itself).</summary>
    Timer,
}

/// <param name="PointId">The maintenance point.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Source">Where it came from: <c>gpio</c>, <c>startup-reconciliation</c>, <c>scanner</c>, <c>control-socket</c>, <c>mqtt</c>, <c>demo</c>.</param>
/// <param name="Input">The input id (lock switch) or the requester.</param>
/// <param name="EdgeTime">Wall-clock time of the edge.</param>
/// <param name="EdgeTimestamp">Monotonic time of the edge (<see cref="TimeProvider.GetTimestamp"/>), used to pick the frame.</param>
public sealed record TriggerEvent(string PointId, TriggerKind Kind, string Source, string Input, DateTimeOffset EdgeTime, long EdgeTimestamp)
{
    /// <summary>For manual and command triggers: the step being confirmed, when the requester named one.</summary>
    public string? StepId { get; init; }

    /// <summary>Who is there, when known (badge scan, command).</summary>
    public string? Operator { get; init; }

    /// <summary>For scans: the text read (work-order code, badge id, QR payload).</summary>
    public string? Code { get; init; }

    /// <summary>For commands that open a job: the central system's work-order id.</summary>
    public string? WorkOrderId { get; init; }

    /// <summary>For an abort command: why the job is aborted. A command with a reason aborts the open work order.</summary>
    public string? AbortReason { get; init; }

    /// <summary>For lock events: whether this lock was the point's first on or last off (group lockout).</summary>
    public LockGroupTransition Group { get; init; }

    /// <summary>For lock events: the worker the input names as its lock's holder (<c>Inputs:N:Holder</c>), if any.</summary>
    public string? Holder { get; init; }

    /// <summary>For lock events: the locks of the point still on after this event (null when the source does not know).</summary>
    public IReadOnlyList<string>? LocksHeld { get; init; }

    /// <summary>A human-readable remark for the record, e.g. "found unlocked at start-up; was locked at shutdown".</summary>
    public string? Note { get; init; }

    /// <summary>For <see cref="TriggerKind.Scan"/>: what was scanned and how it was classified.</summary>
    public ScanResult? Scan { get; init; }

    /// <summary>Lets the sender learn the outcome (records written) of this trigger.</summary>
    public TaskCompletionSource<TriggerOutcome>? Completion { get; init; }
}

/// <summary>The result of handling a trigger: which records were durably written.</summary>
public sealed record TriggerOutcome(string PointId, string? StepId, IReadOnlyList<Guid> RecordIds, IReadOnlyList<string> Findings)
{
    /// <summary>Cameras of the step that gave no photo produced after the edge in time (a late photo follows when they return).</summary>
    public IReadOnlyList<string> CamerasWithoutPhoto { get; init; } = [];

    /// <summary>False when the step's photo is missing from a camera: callers must not report success.</summary>
    public bool Ok => CamerasWithoutPhoto.Count == 0;
}
