namespace EdgeAgent.Verification;

/// <summary>The outcome of <c>edgeagent verify</c>: failures in the order found (chain walk per device, then completeness).</summary>
public sealed record VerificationReport(int Records, IReadOnlyList<VerificationFailure> Failures, IReadOnlyList<string> Warnings)
{
    /// <summary>Every work order seen (when templates were given), device by device.</summary>
    public IReadOnlyList<JobSummary> Jobs { get; init; } = [];

    /// <summary>Each object's write-once retention, record and image, for a store that has retention (an S3 bucket); empty for a directory.</summary>
    public IReadOnlyList<ObjectRetention> Retention { get; init; } = [];

    public bool Ok => Failures.Count == 0 && Records > 0;

    /// <summary>The first broken link, or null.</summary>
    public VerificationFailure? First => Failures.Count > 0 ? Failures[0] : null;

    public IReadOnlyList<string> Problems => [.. Failures.Select(f => f.ToString())];
}
