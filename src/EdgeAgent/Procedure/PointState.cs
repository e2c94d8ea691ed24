namespace EdgeAgent.Procedure;

/// <summary>What a point must remember across a restart or power loss: its open job, the step reached and the locks on.</summary>
public sealed record PointState
{
    public required string PointId { get; init; }

    public required string ProcedureId { get; init; }

    public int ProcedureVersion { get; init; } = 1;

    public string? WorkOrderId { get; init; }

    public string? StartedBy { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public IReadOnlyList<string> Operators { get; init; } = [];

    /// <summary>Index of the step reached, -1 before the first.</summary>
    public int Reached { get; init; } = -1;

    public DateTimeOffset? StepEnteredAt { get; init; }

    /// <summary>The time limit of the current step was already reported.</summary>
    public bool TimeoutReported { get; init; }

    public IReadOnlyList<string> LocksOn { get; init; } = [];

    /// <summary>Whose personal lock each lock input is in this job (configured holder or badge bound at lock-on).</summary>
    public IReadOnlyDictionary<string, string> LockHolders { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The last badge scanned at the point and not yet bound to a lock, and when.</summary>
    public string? LastBadge { get; init; }

    public DateTimeOffset? LastBadgeAt { get; init; }

    /// <summary>Findings raised between records (timeouts), stamped into the next record of the point.</summary>
    public IReadOnlyList<Finding> Pending { get; init; } = [];
}
