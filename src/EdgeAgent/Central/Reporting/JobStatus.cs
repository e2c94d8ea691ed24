namespace EdgeAgent.Central.Reporting;

/// <summary>A job at a glance, as the index filters it.</summary>
public enum JobStatus
{
    /// <summary>Every record verified and nothing to look at.</summary>
    Verified,

    /// <summary>Every record verified, but the job has findings.</summary>
    Findings,

    /// <summary>At least one record failed verification.</summary>
    Failed,
}
