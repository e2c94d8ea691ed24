using EdgeAgent.Tests.Deploy;

namespace EdgeAgent.Tests.Architecture;

/// <summary>
/// The house's hallways (issue 18): no two folders of src/EdgeAgent use each other both ways, the central side
/// (<c>Central/</c>) and the device never use each other, and both speak through <c>Protocol/</c>.
/// </summary>
public sealed class FolderDependencyTests
{
    /// <summary>
    /// Folders that still use each other both ways. Each entry is a debt, not a licence: the list may only shrink.
    /// It is empty: the last one (Capture &lt;-&gt; Configuration) went when the camera's overlay, quality and timing
    /// options moved to <c>Configuration/</c>.
    /// </summary>
    private static readonly (string, string)[] KnownCycles = [];

    /// <summary>What the central side may use besides itself.</summary>
    private static readonly string[] CentralMayUse =
    [
        "Protocol",      // the record, signatures, topics, receipts, MQTT connection: what both sides speak
        "Platform",      // durable files, state files, progress: the OS layer
        "Configuration", // BrokerOptions, the identifier rules, OverlayOptions (the report's stamp)
        "Capture",       // known exception: the image toolkit (JpegEncoder, Frame, OverlayRenderer) the report draws with
        "Procedure",     // known exception: ProcedureTemplate, which completeness and the report check jobs against
    ];

    /// <summary>Entry points that may build either side (the CLI's commands and the one-process demo).</summary>
    private static readonly string[] EntryPoints = ["Cli", "Demo"];

    /// <summary>What Protocol may use: nothing of either side.</summary>
    private static readonly string[] ProtocolMayUse = ["Platform", "Configuration"];

    private static readonly FolderDependencies Graph = FolderDependencies.Read(RepositoryFiles.Path("src", "EdgeAgent"));

    [Fact]
    public void The_reader_sees_the_folders_and_a_dependency_that_is_there()
    {
        // Ground truth by hand: the collector's service speaks MQTT through Protocol's topics and receipts.
        Assert.Contains("Central/Collector", Graph.Folders);
        Assert.Contains("Protocol", Graph.Folders);
        Assert.Contains("Central/Collector/CollectorService.cs", Graph.Files("Central/Collector", "Protocol"));
        Assert.Contains("Procedure", Graph.Of("Demo")); // named Procedure.ProcedureRegistry, no using line
    }

    [Fact]
    public void No_two_folders_use_each_other_both_ways()
    {
        var cycles = Graph.Pairs
            .Where(p => string.CompareOrdinal(p.From, p.To) < 0 && Graph.Of(p.To).Contains(p.From))
            .ToList();

        var unexpected = cycles.Where(c => !KnownCycles.Contains(c)).Select(Describe).ToList();
        Assert.True(unexpected.Count == 0, "folders that use each other both ways:\n" + string.Join("\n", unexpected));
        var healed = KnownCycles.Where(k => !cycles.Contains(k)).ToList();
        Assert.True(healed.Count == 0, "these known cycles are gone; remove them from KnownCycles: " + string.Join(", ", healed));
    }

    [Fact]
    public void The_central_side_uses_only_itself_protocol_and_the_shared_layers()
    {
        var wrong = Graph.Pairs
            .Where(p => IsCentral(p.From) && !IsCentral(p.To) && !CentralMayUse.Contains(p.To))
            .Select(p => $"{p.From} -> {p.To}: {string.Join(", ", Graph.Files(p.From, p.To))}")
            .ToList();
        Assert.True(wrong.Count == 0, "the central side uses device folders:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void No_device_folder_uses_the_central_side()
    {
        var wrong = Graph.Pairs
            .Where(p => !IsCentral(p.From) && !EntryPoints.Contains(p.From) && IsCentral(p.To))
            .Select(p => $"{p.From} -> {p.To}: {string.Join(", ", Graph.Files(p.From, p.To))}")
            .ToList();
        Assert.True(wrong.Count == 0, "device folders use the central side:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Protocol_uses_neither_side()
    {
        var wrong = Graph.Of("Protocol").Where(to => !ProtocolMayUse.Contains(to))
            .Select(to => $"Protocol -> {to}: {string.Join(", ", Graph.Files("Protocol", to))}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void The_evidence_path_stages_use_only_stages_before_them()
    {
        // Issue 18's pipeline: Procedure knows nothing of capture, evidence or the outbox (the room check is Platform's
        // IEvidenceRoom), and Capture nothing of evidence or the outbox.
        Assert.Empty(Graph.Of("Procedure").Intersect(["Capture", "Evidence", "Outbox"]));
        Assert.Empty(Graph.Of("Capture").Intersect(["Evidence", "Outbox"]));
        Assert.Contains("Procedure", Graph.Of("Capture")); // it reads the procedure stage's DecisionBus
    }

    [Fact]
    public void The_folder_table_in_the_docs_is_the_one_the_code_has()
    {
        // docs/architecture.md (or wherever the docs split puts it) carries the table between these markers.
        const string Begin = "<!-- folder-dependencies:begin -->";
        const string End = "<!-- folder-dependencies:end -->";
        var doc = Directory.EnumerateFiles(RepositoryFiles.Path("docs"), "*.md").Select(File.ReadAllText).FirstOrDefault(t => t.Contains(Begin, StringComparison.Ordinal));
        Assert.True(doc is not null, $"no docs/*.md holds {Begin}");
        var start = doc.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length;
        var table = doc[start..doc.IndexOf(End, start, StringComparison.Ordinal)].Trim().ReplaceLineEndings("\n");
        Assert.True(table == Graph.ToMarkdown().Trim(), "the folder table in the docs is stale; it should read:\n" + Graph.ToMarkdown());
    }

    private static bool IsCentral(string folder) => folder == "Central" || folder.StartsWith("Central/", StringComparison.Ordinal);

    private static string Describe((string A, string B) cycle) =>
        $"{cycle.A} <-> {cycle.B}: {string.Join(", ", Graph.Files(cycle.A, cycle.B))} | {string.Join(", ", Graph.Files(cycle.B, cycle.A))}";
}
