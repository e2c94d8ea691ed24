using EdgeAgent.Central.Collector;
using EdgeAgent.Procedure;
using EdgeAgent.Central.Verification;

namespace EdgeAgent.Central.Reporting;

/// <summary>
/// The one place where the report asks the verifier about records. The verifier names each problem by the
/// record's file (full or store-relative path) or, for problems of a whole job, by its directory; this maps
/// them back, so richer verifier results (chain links, signatures, completeness) show on the right record or
/// job without touching the pages.
/// </summary>
public sealed class RecordVerification
{
    private static readonly string[] ChainChecks = ["record parses", "image SHA-256", "image complete", "hash chain (prev-hash, sequence, order)"];

    private readonly string root;
    private readonly Dictionary<string, List<string>> byKey = new(StringComparer.Ordinal);

    private RecordVerification(string root, IEnumerable<string> problems, IReadOnlyList<string> checks, IReadOnlyList<string> warnings)
    {
        this.root = root;
        Checks = checks;
        Warnings = warnings;
        foreach (var problem in problems)
        {
            // "{path}: detail" or "{path} (device …, sequence …): check: detail"; store paths hold no ':' or ' ('.
            var end = new[] { problem.IndexOf(": ", StringComparison.Ordinal), problem.IndexOf(" (", StringComparison.Ordinal) }.Where(i => i > 0).DefaultIfEmpty(-1).Min();
            var key = end < 0 ? "" : Normalise(problem[..end]);
            if (!byKey.TryGetValue(key, out var list))
            {
                byKey[key] = list = [];
            }

            list.Add(end < 0 ? problem : Detail(problem, end));
        }
    }

    /// <summary>The checks each record went through, so a reader knows what "verified" covers.</summary>
    public IReadOnlyList<string> Checks { get; }

    /// <summary>What the verifier could not check (no enrolled keys, no templates, clock doubts).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Verifies the whole store once: chains, images, signatures when keys are given, completeness when templates are.</summary>
    public static RecordVerification ForStore(string root, EnrolledKeys? keys = null, IReadOnlyDictionary<string, ProcedureTemplate>? templates = null, IProgress<Platform.WorkProgress>? progress = null)
    {
        var full = Path.GetFullPath(root);
        var report = EvidenceVerifier.Verify(full, keys, templates, progress);
        string[] checks = keys is null ? ChainChecks : [.. ChainChecks, "signature"];
        return new RecordVerification(full, report.Failures.Select(f => $"{f.File}: {f.Check}: {f.Detail}"), checks, report.Warnings);
    }

    /// <summary>Maps problems already found (for tests and for callers that ran the verifier themselves).</summary>
    internal static RecordVerification FromProblems(string root, IEnumerable<string> problems) => new(Path.GetFullPath(root), problems, ChainChecks, []);

    /// <summary>What verification says about one record file.</summary>
    public RecordCheck ForRecord(string jsonPath) =>
        Take(Path.GetFullPath(jsonPath)) is { Count: > 0 } problems ? RecordCheck.Failed(Checks, problems) : RecordCheck.Passed(Checks);

    /// <summary>Problems the verifier found with a job as a whole (its directory), e.g. completeness.</summary>
    public IReadOnlyList<string> ForJob(string directory) => Take(Path.GetFullPath(directory));

    /// <summary>Problems that named no record or job of the store (shown on the index page).</summary>
    public IReadOnlyList<string> Unmatched => [.. byKey.SelectMany(p => p.Value.Select(v => p.Key.Length > 0 ? $"{p.Key}: {v}" : v))];

    /// <summary>The text after the path, and after "(device …, sequence …): " when the verifier adds that.</summary>
    private static string Detail(string problem, int end)
    {
        if (problem[end] == ':')
        {
            return problem[(end + 2)..];
        }

        var close = problem.IndexOf("): ", end, StringComparison.Ordinal);
        return close < 0 ? problem[(end + 1)..] : problem[(close + 3)..];
    }

    private List<string> Take(string fullPath) => byKey.Remove(fullPath, out var list) ? list : [];

    private string Normalise(string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(root, path)).TrimEnd(Path.DirectorySeparatorChar);
}
