using System.Globalization;
using System.Net;
using System.Reflection;

namespace EdgeAgent.Reporting;

/// <summary>HTML helpers shared by the report pages: escaping, bilingual labels, times, and the inlined assets.</summary>
public static class Html
{
    private static readonly Lazy<string> Style = new(() => Resource("report.css"));
    private static readonly Lazy<string> Script = new(() => Resource("report.js"));

    public static string Css => Style.Value;

    public static string Js => Script.Value;

    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>An English and a Chinese label; the page's language switch shows one or both.</summary>
    public static string Label(string en, string zh) => $"<span lang=\"en\">{Encode(en)}</span><span lang=\"zh\">{Encode(zh)}</span>";

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture) : "—";

    /// <summary>A relative URL from the report directory to a file, each segment escaped.</summary>
    public static string RelativeUrl(string fromDirectory, string path) =>
        string.Join('/', Path.GetRelativePath(fromDirectory, path).Split(Path.DirectorySeparatorChar).Select(s => s == ".." ? s : Uri.EscapeDataString(s)));

    public static string Status(JobStatus status) => status switch
    {
        JobStatus.Verified => Label("Verified", "已验证"),
        JobStatus.Findings => Label("Verified, with findings", "已验证，有发现"),
        _ => Label("Verification failed", "验证失败"),
    };

    public static string Status(VerificationStatus status) => status switch
    {
        VerificationStatus.Verified => Label("Verified", "已验证"),
        VerificationStatus.Failed => Label("Failed", "未通过"),
        _ => Label("Not verified", "未验证"),
    };

    public static string Kind(FindingKind kind) => kind switch
    {
        FindingKind.MissingStep => Label("Missing step", "缺少步骤"),
        FindingKind.OutOfOrder => Label("Out of order", "顺序错误"),
        FindingKind.UnsynchronisedClock => Label("Clock not synchronised", "时钟未同步"),
        FindingKind.BadFrame => Label("Bad frame", "图像异常"),
        FindingKind.Verification => Label("Verification", "校验"),
        _ => Label("Device finding", "设备报告"),
    };

    /// <summary>The page head with inlined style: no CDN, nothing fetched.</summary>
    public static string Head(string title) =>
        "<!DOCTYPE html>\n<html lang=\"en\" data-lang=\"both\">\n<head>\n<meta charset=\"utf-8\">\n" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; img-src 'self' file: data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n" +
        $"<title>{Encode(title)}</title>\n<style>\n{Css}</style>\n</head>\n";

    public const string LanguageSwitch =
        "<div class=\"lang-switch\" role=\"group\" aria-label=\"Language\"><button type=\"button\" data-set-lang=\"en\">EN</button>" +
        "<button type=\"button\" data-set-lang=\"zh\">中文</button><button type=\"button\" data-set-lang=\"both\">EN + 中文</button></div>";

    public static string Tail(DateTimeOffset generatedAt) =>
        $"<footer>{Label("Generated", "生成于")} {Time(generatedAt)} · edgeagent report</footer>\n<script>\n{Js}</script>\n</body>\n</html>\n";

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("EdgeAgent.Reporting.Assets." + name)
            ?? throw new InvalidOperationException($"report asset {name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
