namespace EdgeAgent.Central.Reporting;

/// <summary>The kinds of finding a reader scans a job for.</summary>
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
