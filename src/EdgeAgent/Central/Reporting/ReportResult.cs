namespace EdgeAgent.Central.Reporting;

/// <summary>What <see cref="ReportGenerator"/> wrote.</summary>
/// <param name="IndexPath">Full path of the index page.</param>
/// <param name="Jobs">The jobs, newest first, as the pages show them.</param>
/// <param name="Unreadable">Record files that could not be parsed, and verifier problems no job claimed (listed on the index page).</param>
/// <param name="Failures">What could not be read at all, each naming its file (store-relative): records that do not parse and photos that are missing, corrupt or undecodable.</param>
public sealed record ReportResult(string IndexPath, IReadOnlyList<JobReport> Jobs, IReadOnlyList<string> Unreadable, IReadOnlyList<string> Failures)
{
    public int Records => Jobs.Sum(j => j.Entries.Count);

    /// <summary>Job pages as full paths, in <see cref="Jobs"/> order.</summary>
    public IEnumerable<string> Pages => Jobs.Select(j => Path.Combine(Path.GetDirectoryName(IndexPath)!, j.Page));
}
