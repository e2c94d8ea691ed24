using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeAgent.Tests.Architecture;

/// <summary>
/// Which folder of src/EdgeAgent uses which, read from the source text: <c>using EdgeAgent.X…;</c> lines,
/// fully-qualified <c>EdgeAgent.X.</c> names, and names qualified from a folder down (<c>Procedure.ProcedureRegistry</c>,
/// <c>Central.Collector.…</c>), in code and in doc-comment <c>cref</c>s; other comments and string literals do not count.
/// A folder is a top-level folder, except under <c>Central/</c>, where each sub-folder is one
/// (<c>Central/Collector</c>); files directly in <c>Central/</c> are the folder <c>Central</c>.
/// </summary>
public sealed partial class FolderDependencies
{
    private readonly SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> edges = new(StringComparer.Ordinal);

    private FolderDependencies(IReadOnlySet<string> folders) => Folders = folders;

    /// <summary>Every folder that holds source.</summary>
    public IReadOnlySet<string> Folders { get; }

    /// <summary>The folders <paramref name="folder"/> uses.</summary>
    public IEnumerable<string> Of(string folder) => edges.TryGetValue(folder, out var to) ? to.Keys : [];

    /// <summary>The files of <paramref name="from"/> that use <paramref name="to"/> (paths relative to src/EdgeAgent).</summary>
    public IReadOnlyCollection<string> Files(string from, string to) =>
        edges.TryGetValue(from, out var targets) && targets.TryGetValue(to, out var files) ? files : [];

    /// <summary>Every (from, to) pair.</summary>
    public IEnumerable<(string From, string To)> Pairs => edges.SelectMany(e => e.Value.Keys.Select(to => (e.Key, to)));

    public static FolderDependencies Read(string sourceRoot)
    {
        var files = Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(sourceRoot, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var folders = files.Select(FolderOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var tops = folders.Select(f => f.Split('/')[0]).ToHashSet(StringComparer.Ordinal);
        var graph = new FolderDependencies(folders);
        foreach (var file in files)
        {
            if (FolderOf(file) is not { } from)
            {
                continue;
            }

            var code = CodeOf(File.ReadAllText(Path.Combine(sourceRoot, file)));
            var named = FullyQualified().Matches(code).Select(m => m.Groups["ns"].Value)
                .Concat(FolderQualified().Matches(code).Select(m => m.Groups["ns"].Value).Where(ns => tops.Contains(ns.Split('.')[0])));
            foreach (var to in named.Select(FolderOfNamespace).Where(to => to != from && folders.Contains(to)))
            {
                graph.Add(from, to, file);
            }
        }

        return graph;
    }

    /// <summary>The folder dependencies as a Markdown table: each folder, the folders it uses.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("| Folder | Uses |\n|---|---|\n");
        foreach (var folder in Folders.Order(StringComparer.Ordinal))
        {
            var uses = Of(folder).ToList();
            text.Append(CultureInfo.InvariantCulture, $"| {folder} | {(uses.Count == 0 ? "—" : string.Join(", ", uses))} |\n");
        }

        return text.ToString();
    }

    private void Add(string from, string to, string file)
    {
        if (!edges.TryGetValue(from, out var targets))
        {
            edges[from] = targets = new(StringComparer.Ordinal);
        }

        if (!targets.TryGetValue(to, out var files))
        {
            targets[to] = files = new(StringComparer.Ordinal);
        }

        files.Add(file);
    }

    private static string? FolderOf(string relativePath)
    {
        var parts = relativePath.Split('/');
        return parts.Length < 2 ? null : parts[0] == "Central" ? (parts.Length > 2 ? "Central/" + parts[1] : "Central") : parts[0];
    }

    private static string FolderOfNamespace(string ns)
    {
        var parts = ns.Split('.');
        return parts[0] == "Central" && parts.Length > 1 ? "Central/" + parts[1] : parts[0];
    }

    /// <summary>The text with string literals emptied and comments removed, except the targets of <c>cref</c>s.</summary>
    private static string CodeOf(string source)
    {
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = StringLiteral().Replace(lines[i], m => "\"" + new string(' ', m.Length - 2) + "\""); // same length: a // inside a string is no comment
            var comment = line.IndexOf("//", StringComparison.Ordinal);
            lines[i] = comment < 0 ? line : line[..comment] + " " + string.Join(" ", Cref().Matches(lines[i][comment..]).Select(m => m.Groups[1].Value));
        }

        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"\bEdgeAgent\.(?<ns>(?:Central\.)?[A-Z]\w*)")]
    private static partial Regex FullyQualified();

    [GeneratedRegex(@"(?<![\w.""])(?<ns>(?:Central\.)?[A-Z]\w*)\.[A-Z]")]
    private static partial Regex FolderQualified();

    [GeneratedRegex(@"\$?@?""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"cref=""([^""]*)""")]
    private static partial Regex Cref();
}
