namespace EdgeAgent.Triggers;

/// <summary>What a scanned line was recognised as (see <c>Scanning:Patterns</c>).</summary>
public enum ScanCategory
{
    /// <summary>Matched no pattern: recorded, not acted on.</summary>
    Unmatched,

    /// <summary>An operator's badge.</summary>
    Badge,

    /// <summary>A personal lock's tag.</summary>
    LockTag,

    /// <summary>A work order number.</summary>
    WorkOrder,

    /// <summary>A step confirmation (the value is the step id).</summary>
    StepConfirmation,
}
