using EdgeAgent.Verification;

namespace EdgeAgent.Reporting;

/// <summary>
/// The one place where the report asks the verifier about records. Today the verifier checks that each
/// record parses and its image matches its SHA-256; richer per-record results (chain links, signatures)
/// slot in here without touching the pages.
/// </summary>
public static class RecordVerification
{
    public static readonly IReadOnlyList<string> Checks = ["record parses", "image present", "image SHA-256"];

    /// <summary>Verifies the whole store once and returns a lookup by record JSON path.</summary>
    public static Func<string, RecordCheck> ForStore(string root)
    {
        var report = EvidenceVerifier.Verify(root);
        var problems = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var problem in report.Problems)
        {
            // The verifier prefixes each problem with the record's JSON path.
            var end = problem.IndexOf(".json: ", StringComparison.Ordinal);
            var key = end < 0 ? "" : problem[..(end + 5)];
            var text = end < 0 ? problem : problem[(end + 7)..];
            if (!problems.TryGetValue(key, out var list))
            {
                problems[key] = list = [];
            }

            list.Add(text);
        }

        return jsonPath => problems.TryGetValue(Path.GetFullPath(jsonPath), out var list)
            ? RecordCheck.Failed(Checks, list)
            : RecordCheck.Passed(Checks);
    }
}
