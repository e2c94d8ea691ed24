namespace EdgeAgent.Central.Verification;

/// <summary>The outcome of <c>edgeagent verify</c>: failures in the order found (chain walk per device, then completeness).</summary>
public sealed record VerificationReport(int Records, IReadOnlyList<VerificationFailure> Failures, IReadOnlyList<string> Warnings)
{
    /// <summary>Every work order seen (when templates were given), device by device.</summary>
    public IReadOnlyList<JobSummary> Jobs { get; init; } = [];

    /// <summary>Each object's write-once retention, record and image, for a store that has retention (an S3 bucket); empty for a directory.</summary>
    public IReadOnlyList<ObjectRetention> Retention { get; init; } = [];

    /// <summary>This report with a retention failure for every object not locked until at least <paramref name="until"/> (none on a store without retention: all fail).</summary>
    public VerificationReport RequireRetention(DateTimeOffset until)
    {
        var tooShort = Retention.Where(r => r.Retention is null || r.Retention.RetainUntil < until)
            .Select(r => new VerificationFailure(DeviceOf(r.Key), r.Key, null, VerificationFailure.Checks.Retention, $"retention {(r.Retention is { } k ? $"{k.Mode} until {k.RetainUntil.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" : "none")} is shorter than the required {until.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"));
        var missing = Retention.Count == 0 && Records > 0
            ? [new VerificationFailure("", "", null, VerificationFailure.Checks.Retention, "the store keeps no retention (a directory): nothing is write-once")]
            : Array.Empty<VerificationFailure>();
        return this with { Failures = [.. Failures, .. tooShort, .. missing] };
    }

    /// <summary>The device segment of a store key ({site}/{device}/…).</summary>
    internal static string DeviceOf(string key) => key.Split('/') is { Length: > 1 } segments ? segments[1] : "";

    public bool Ok => Failures.Count == 0 && Records > 0;

    /// <summary>The first broken link, or null.</summary>
    public VerificationFailure? First => Failures.Count > 0 ? Failures[0] : null;

    public IReadOnlyList<string> Problems => [.. Failures.Select(f => f.ToString())];
}
