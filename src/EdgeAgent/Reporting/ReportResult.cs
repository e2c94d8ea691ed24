namespace EdgeAgent.Reporting;

/// <summary>What <see cref="ReportGenerator"/> wrote.</summary>
/// <param name="IndexPath">Full path of the index page.</param>
/// <param name="Jobs">The jobs, newest first, as the pages show them.</param>
/// <param name="Unreadable">Record files that could not be parsed (listed on the index page).</param>
public sealed record ReportResult(string IndexPath, IReadOnlyList<JobReport> Jobs, IReadOnlyList<string> Unreadable)
{
    public int Records => Jobs.Sum(j => j.Entries.Count);
}
