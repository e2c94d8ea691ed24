namespace EdgeAgent.Reporting;

/// <summary>Something a reader of the job must look at.</summary>
/// <param name="Sequence">The record it concerns, when it concerns one.</param>
public sealed record ReportFinding(FindingKind Kind, string Text, long? Sequence = null);

public enum FindingKind
{
    /// <summary>A step of the procedure has no photo.</summary>
    MissingStep,

    /// <summary>A lock came off before the job reached that point, or steps ran backwards.</summary>
    OutOfOrder,

    /// <summary>Timestamps contradict each other: the device clock cannot be trusted.</summary>
    UnsynchronisedClock,

    /// <summary>The photo is stale, unreadable or not what the record says.</summary>
    BadFrame,

    /// <summary>A record or image failed verification.</summary>
    Verification,

    /// <summary>Anything else the device itself flagged.</summary>
    Device,
}
