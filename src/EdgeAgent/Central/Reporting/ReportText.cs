using System.Reflection;
using System.Text;
using System.Text.Json;

namespace EdgeAgent.Central.Reporting;

/// <summary>
/// Every text a person reads in the report, in every language it speaks: one file per language,
/// <c>Reporting/Text/{language}.json</c> (embedded), mapping keys to texts with <c>{name}</c> placeholders.
/// Adding a language is adding a file; a key a language lacks falls back to English.
/// </summary>
public static class ReportText
{
    public const string Fallback = "en";
    private const string Prefix = "EdgeAgent.Reporting.Text.";

    private static readonly JsonSerializerOptions JsonOptions = new() { ReadCommentHandling = JsonCommentHandling.Skip };

    private static readonly Lazy<Dictionary<string, IReadOnlyDictionary<string, string>>> Tables = new(Load);

    /// <summary>The languages, English first, then by code.</summary>
    public static IReadOnlyList<string> Languages { get; } =
        [.. Tables.Value.Keys.OrderBy(l => l == Fallback ? "" : l, StringComparer.Ordinal)];

    /// <summary>The language's texts by key (for tests and translators' tools).</summary>
    public static IReadOnlyDictionary<string, string> Table(string language) => Tables.Value[language];

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/> with its placeholders filled.</summary>
    public static string Format(string language, string key, Func<string, string?>? argument = null)
    {
        var template = Tables.Value.GetValueOrDefault(language)?.GetValueOrDefault(key)
            ?? Tables.Value[Fallback].GetValueOrDefault(key)
            ?? throw new KeyNotFoundException($"report text '{key}' is in no language file");
        if (argument is null || !template.Contains('{', StringComparison.Ordinal))
        {
            return template;
        }

        var text = new StringBuilder(template.Length + 32);
        for (var i = 0; i < template.Length; i++)
        {
            var close = template[i] == '{' ? template.IndexOf('}', i + 1) : -1;
            if (close > i && argument(template[(i + 1)..close]) is { } value)
            {
                text.Append(value);
                i = close;
            }
            else
            {
                text.Append(template[i]);
            }
        }

        return text.ToString();
    }

    private static Dictionary<string, IReadOnlyDictionary<string, string>> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var tables = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            var table = JsonSerializer.Deserialize<Dictionary<string, string>>(stream, JsonOptions)
                ?? throw new InvalidDataException($"{name} is empty");
            tables[name[Prefix.Length..^".json".Length]] = table;
        }

        return tables.ContainsKey(Fallback) ? tables : throw new InvalidOperationException("the English report texts (Reporting/Text/en.json) are not embedded");
    }
}
