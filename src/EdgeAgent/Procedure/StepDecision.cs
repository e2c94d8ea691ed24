namespace EdgeAgent.Procedure;

/// <summary>What a trigger means for a point's job: the work order and step to stamp, and any findings.</summary>
public sealed record StepDecision(string WorkOrderId, string ProcedureId, ProcedureStep Step, int StepIndex, IReadOnlyList<Finding> Findings)
{
    /// <summary>True when the trigger moved the job into <see cref="Step"/> (false: stamped with the step it was already in).</summary>
    public bool Advanced { get; init; }

    /// <summary>True when this step ended the job.</summary>
    public bool Completed { get; init; }

    /// <summary>True when the trigger aborted the job; <see cref="AbortReason"/> says why.</summary>
    public bool Aborted { get; init; }

    public string? AbortReason { get; init; }

    /// <summary>False when nothing should be photographed (a job opened by scan or command before its first step).</summary>
    public bool Capture { get; init; } = true;

    public int ProcedureVersion { get; init; } = 1;

    public string? StartedBy { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public IReadOnlyList<string> Operators { get; init; } = [];

    public DateTimeOffset? StepEnteredAt { get; init; }

    /// <summary>For lock-on and lock-off: whose personal lock it is, or <see cref="LockHolder.Unknown"/>; null for other triggers.</summary>
    public string? Holder { get; init; }

    /// <summary><c>open</c>, <c>completed</c> or <c>aborted</c>.</summary>
    public string Status => Aborted ? "aborted" : Completed ? "completed" : "open";
}
