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

    /// <summary>A badge or QR/bar-code scanner read a code (<see cref="TriggerEvent.Code"/>).</summary>
    Scan,

    /// <summary>A step's timer ran out (raised by the procedure itself).</summary>
    Timer,
}

/// <param name="PointId">The maintenance point.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Source">Where it came from: <c>gpio</c>, <c>control-socket</c>, <c>mqtt</c>, <c>demo</c>.</param>
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

    /// <summary>Lets the sender learn the outcome (records written) of this trigger.</summary>
    public TaskCompletionSource<TriggerOutcome>? Completion { get; init; }
}

/// <summary>The result of handling a trigger: which records were durably written.</summary>
public sealed record TriggerOutcome(string PointId, string? StepId, IReadOnlyList<Guid> RecordIds, IReadOnlyList<string> Findings);
