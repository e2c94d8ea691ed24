using System.Text.RegularExpressions;
using EdgeAgent.Tests.Deploy;

namespace EdgeAgent.Tests.Architecture;

/// <summary>
/// The "Trace of one lock edge" table in docs/architecture.md names files and <c>Type.Member</c>s; this reads it and
/// checks them against the source, so the trace cannot silently go stale when code moves or is renamed.
/// </summary>
public sealed partial class ArchitectureTraceTests
{
    private const string Begin = "<!-- lock-edge-trace:begin -->";
    private const string End = "<!-- lock-edge-trace:end -->";
    private static readonly string Source = RepositoryFiles.Path("src", "EdgeAgent");

    [Fact]
    public void Every_file_and_member_the_trace_names_exists_and_each_row_sits_in_its_stage_folder()
    {
        var rows = TraceRows();
        Assert.True(rows.Count >= 10, $"the trace has {rows.Count} rows");
        var declarations = Declarations();
        var problems = new List<string>();
        foreach (var (number, stage, hop) in rows)
        {
            string? file = null;
            var first = true;
            foreach (Match m in Span().Matches(hop))
            {
                var span = m.Groups[1].Value;
                if (span.EndsWith(".cs", StringComparison.Ordinal))
                {
                    file = span;
                    if (!File.Exists(Path.Combine(Source, file)))
                    {
                        problems.Add($"#{number}: {file} does not exist under src/EdgeAgent");
                    }
                    else if (first && file.Split('/')[0] != stage)
                    {
                        problems.Add($"#{number}: stage {stage}, but its first file {file} is in {file.Split('/')[0]}/");
                    }

                    first = false;
                    continue;
                }

                if (MemberOf().Match(span) is not { Success: true } member)
                {
                    continue;
                }

                var type = member.Groups["type"].Value;
                var name = member.Groups["member"].Value;
                if (!declarations.TryGetValue(type, out var files))
                {
                    problems.Add($"#{number}: no type {type} is declared in src/EdgeAgent");
                    continue;
                }

                if (!files.Any(f => Regex.IsMatch(File.ReadAllText(f), $@"\b{Regex.Escape(name)}\b")))
                {
                    problems.Add($"#{number}: {type} has no member {name}");
                }

                if (file is not null && IsFirstAfter(hop, file, m.Index) && !files.Any(f => f.EndsWith(file, StringComparison.Ordinal)))
                {
                    problems.Add($"#{number}: {type} is not declared in {file}, the file it follows");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void No_hop_of_the_trace_calls_back_into_an_earlier_stage()
    {
        var backward = TraceRows().Where(r => r.Hop.Contains('↩', StringComparison.Ordinal) || r.Stage.Contains('↩', StringComparison.Ordinal)).ToList();
        Assert.Empty(backward);

        // The outbox takes a finished record: no build delegate crosses back from Outbox/ into the evidence stage.
        var outbox = string.Concat(Directory.EnumerateFiles(Path.Combine(Source, "Outbox"), "EvidenceOutbox*.cs").Select(File.ReadAllText));
        Assert.DoesNotMatch(@"Func<[^>]*EvidenceRecord>", outbox);
    }

    [Fact]
    public void The_trace_runs_through_each_stage_folder_once_in_pipeline_order()
    {
        // Issue 18's "done when": Triggers, Procedure, Capture, Evidence, Outbox, each once and in this order.
        var stages = TraceRows().OrderBy(r => r.Number).Select(r => r.Stage).ToList();
        var runs = stages.Where((stage, i) => i == 0 || stages[i - 1] != stage).ToList();
        Assert.Equal(["Triggers", "Procedure", "Capture", "Evidence", "Outbox"], runs);
    }

    private static List<(int Number, string Stage, string Hop)> TraceRows()
    {
        var doc = File.ReadAllText(RepositoryFiles.Path("docs", "architecture.md"));
        var start = doc.IndexOf(Begin, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/architecture.md holds no {Begin}");
        start += Begin.Length;
        var table = doc[start..doc.IndexOf(End, start, StringComparison.Ordinal)];
        return [.. table.ReplaceLineEndings("\n").Split('\n')
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length >= 5 && int.TryParse(cells[1], out _))
            .Select(cells => (int.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture), cells[2], cells[3]))];
    }

    /// <summary>Every type declared in src/EdgeAgent, with the files that declare it (partial types have several).</summary>
    private static Dictionary<string, List<string>> Declarations()
    {
        var types = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            foreach (Match m in Declaration().Matches(File.ReadAllText(file)))
            {
                var name = m.Groups["name"].Value;
                if (!types.TryGetValue(name, out var files))
                {
                    types[name] = files = [];
                }

                files.Add(file.Replace('\\', '/'));
            }
        }

        return types;
    }

    /// <summary>True when the span at <paramref name="index"/> is the first code span after <paramref name="file"/>'s.</summary>
    private static bool IsFirstAfter(string hop, string file, int index)
    {
        var at = hop.LastIndexOf("`" + file + "`", index, StringComparison.Ordinal);
        return at >= 0 && Span().Count(hop[(at + file.Length + 2)..index]) == 0;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Span();

    [GeneratedRegex(@"^(?<type>[A-Z]\w*)\.(?<member>[A-Z]\w*)$")]
    private static partial Regex MemberOf();

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(?<name>[A-Z]\w*)")]
    private static partial Regex Declaration();
}
