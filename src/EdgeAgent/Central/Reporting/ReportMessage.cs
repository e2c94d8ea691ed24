using System.Globalization;

namespace EdgeAgent.Central.Reporting;

/// <summary>
/// A text of the report not yet put into a language: a key of <see cref="ReportText"/> and its arguments. An
/// argument is a string (ids, numbers, names: the same in every language), a nested <see cref="ReportMessage"/>,
/// or names by language (step names from the record).
/// </summary>
public sealed record ReportMessage(string Key, IReadOnlyDictionary<string, object> Arguments)
{
    public static ReportMessage Of(string key, params (string Name, object Value)[] arguments) =>
        new(key, arguments.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal));

    /// <summary>The message in English: what logs, tests and <c>report.json</c> read.</summary>
    public string Text => Render(ReportText.Fallback);

    public string Render(string language) => ReportText.Format(language, Key, name => Arguments.TryGetValue(name, out var value) ? Argument(value, language) : null);

    public override string ToString() => Text;

    private static string Argument(object value, string language) => value switch
    {
        ReportMessage message => message.Render(language),
        IReadOnlyDictionary<string, string> names => names.GetValueOrDefault(language) ?? names.GetValueOrDefault(ReportText.Fallback) ?? names.Values.FirstOrDefault() ?? "",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
