using System.Text.RegularExpressions;
using EdgeAgent.Tests.Deploy;

namespace EdgeAgent.Tests.Architecture;

/// <summary>
/// The house rule "no I/O in constructors" (docs/architecture.md): stores and files open in an explicit <c>Open</c>,
/// never while an object is being constructed. A text check of every constructor body in src/EdgeAgent.
/// </summary>
public sealed partial class ConstructorIoTests
{
    [Fact]
    public void No_constructor_in_the_agent_touches_the_disk_or_a_database()
    {
        var source = RepositoryFiles.Path("src", "EdgeAgent");
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            var types = Declaration().Matches(text).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
            foreach (Match ctor in Constructor().Matches(text))
            {
                if (!types.Contains(ctor.Groups["name"].Value))
                {
                    continue;
                }

                var body = Body(text, ctor.Index + ctor.Length - 1);
                foreach (var line in body.Split('\n').Where(l => Io().IsMatch(l) && !l.TrimStart().StartsWith("//", StringComparison.Ordinal)))
                {
                    found.Add($"{Path.GetRelativePath(source, file)}: {ctor.Groups["name"].Value}(...): {line.Trim()}");
                }
            }
        }

        Assert.True(found.Count == 0, "constructors doing I/O (move it to a static Open):\n" + string.Join("\n", found));
    }

    /// <summary>The text between the brace at <paramref name="open"/> and its match.</summary>
    private static string Body(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            depth += text[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return text[open..i];
            }
        }

        return text[open..];
    }

    [GeneratedRegex(@"\b(?:class|record|struct)\s+(?<name>[A-Z]\w*)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"\n\s*(?:public|private|internal|protected)\s+(?<name>[A-Z]\w*)\([^)]*\)\s*(?::\s*(?:base|this)\([^)]*\)\s*)?\{")]
    private static partial Regex Constructor();

    [GeneratedRegex(@"\b(?:File|Directory|StateFiles|DurableFile)\.|\bnew (?:FileStream|StreamReader|StreamWriter|SqliteConnection|NpgsqlDataSource)\b|\.Open\w*\(|\bOpen\(|\bLoad\w*\(|\bRead(?:All)?\w*\(|Process\.Start")]
    private static partial Regex Io();
}
