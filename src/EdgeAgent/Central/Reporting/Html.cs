using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

namespace EdgeAgent.Central.Reporting;

/// <summary>HTML helpers shared by the report pages: escaping, texts in every language, times, and the inlined assets.</summary>
public static class Html
{
    private static readonly Lazy<string> Style = new(() => Resource("report.css") + LanguageRules());
    private static readonly Lazy<string> Script = new(() => Resource("report.js"));

    public static string Css => Style.Value;

    public static string Js => Script.Value;

    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A text in every language of <see cref="ReportText"/>; the page's language switch shows one or all.</summary>
    public static string T(ReportMessage message)
    {
        var html = new StringBuilder();
        foreach (var language in ReportText.Languages)
        {
            html.Append("<span lang=\"").Append(language).Append("\">").Append(Encode(message.Render(language))).Append("</span>");
        }

        return html.ToString();
    }

    public static string T(string key, params (string Name, object Value)[] arguments) => T(ReportMessage.Of(key, arguments));

    /// <summary>Names by language (a step's), shown like any other text; English stands in for a language the record lacks.</summary>
    public static string Names(IReadOnlyDictionary<string, string> names, string fallback) =>
        T(ReportMessage.Of("plain", ("text", names.Count > 0 ? names : new Dictionary<string, string> { [ReportText.Fallback] = fallback })));

    /// <summary>The same text in every language, for places that cannot hold elements (option, title).</summary>
    public static string Plain(ReportMessage message, string separator = " ") =>
        string.Join(separator, ReportText.Languages.Select(message.Render).Distinct(StringComparer.Ordinal));

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture) : "—";

    public static string Status(JobStatus status) => T("status.job." + status.ToString().ToLowerInvariant());

    public static string Status(VerificationStatus status) => T("status.record." + status.ToString().ToLowerInvariant());

    public static string Kind(FindingKind kind) => T(KindKey(kind));

    public static string KindKey(FindingKind kind) => kind switch
    {
        FindingKind.MissingStep => "kind.missing-step",
        FindingKind.OutOfOrder => "kind.out-of-order",
        FindingKind.UnsynchronisedClock => "kind.unsynchronised-clock",
        FindingKind.BadFrame => "kind.bad-frame",
        FindingKind.Verification => "kind.verification",
        _ => "kind.device",
    };

    /// <summary>The page head with inlined style: no CDN, nothing fetched.</summary>
    public static string Head(string title) =>
        "<!DOCTYPE html>\n<html lang=\"en\" data-lang=\"all\">\n<head>\n<meta charset=\"utf-8\">\n" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; img-src 'self' file: data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n" +
        $"<title>{Encode(title)}</title>\n<style>\n{Css}</style>\n</head>\n";

    /// <summary>One button per language and one for all of them.</summary>
    public static string LanguageSwitch
    {
        get
        {
            var html = new StringBuilder("<div class=\"lang-switch\" role=\"group\" aria-label=\"Language\">");
            foreach (var language in ReportText.Languages)
            {
                html.Append("<button type=\"button\" data-set-lang=\"").Append(language).Append("\">").Append(Encode(ReportText.Format(language, "language.short"))).Append("</button>");
            }

            var all = string.Join(" + ", ReportText.Languages.Select(l => ReportText.Format(l, "language.short")));
            return html.Append("<button type=\"button\" data-set-lang=\"all\">").Append(Encode(all)).Append("</button></div>").ToString();
        }
    }

    public static string Tail(DateTimeOffset generatedAt) =>
        $"<footer>{T("page.footer", ("time", Time(generatedAt)))}</footer>\n<script>\n{Js}</script>\n</body>\n</html>\n";

    /// <summary>Show only the chosen language's texts (or all); generated, so a new language file needs no CSS.</summary>
    private static string LanguageRules()
    {
        var css = new StringBuilder();
        foreach (var language in ReportText.Languages)
        {
            css.Append(CultureInfo.InvariantCulture, $"html[data-lang=\"{language}\"] [lang]:not([lang=\"{language}\"]) {{ display: none; }}\n");
        }

        return css.Append("html[data-lang=\"all\"] [lang] + [lang]::before { content: \" · \"; color: var(--muted); }\n").ToString();
    }

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("EdgeAgent.Reporting.Assets." + name)
            ?? throw new InvalidOperationException($"report asset {name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
