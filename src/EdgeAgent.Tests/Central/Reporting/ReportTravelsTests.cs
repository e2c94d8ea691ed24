using System.Net;
using System.Text.RegularExpressions;
using EdgeAgent.Central.Reporting;
using Xunit.Abstractions;

namespace EdgeAgent.Tests.Central.Reporting;

/// <summary>
/// The report as an auditor receives it: generated, moved somewhere else with the store gone, and opened in real
/// headless Chromium from disk. Every image must load and every link must land on a file inside the folder.
/// </summary>
public sealed partial class ReportTravelsTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory temp = new();

    private static string Artifacts => Path.Combine(AppContext.BaseDirectory, "artifacts");

    /// <summary>A clean job plus what a page must also say in every language: pre-trigger photos, device findings, a clock doubt.</summary>
    private async Task<string> GenerateAsync(params string[] extra)
    {
        var store = new EvidenceStoreBuilder(temp.Combine("store"));
        store.AddCleanJob();
        store.Add("lock-removed", "LockOff", advanced: false, offsetMs: -400,
            bend: r => r with { Findings = ["unlock-before-zero-energy: lock lock-a came off before 'zero-energy-verified'", "something the device noticed"] },
            bendJson: j => j["clock"] = new System.Text.Json.Nodes.JsonObject { ["synchronized"] = false, ["monotonicMs"] = 1000 });

        return await store.ReportAsync(temp.Combine("report"), extra);
    }

    [Fact]
    public async Task Report_moved_elsewhere_with_the_store_deleted_shows_every_photo_and_every_link_resolves()
    {
        var made = await GenerateAsync();
        var moved = temp.Combine("handed-on", "report");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(made, moved);
        Directory.Delete(temp.Combine("store"), recursive: true);

        var pages = Directory.GetFiles(moved, "*.html");
        Assert.Equal(2, pages.Length);
        foreach (var page in pages)
        {
            var dom = await HeadlessChromium.DumpDomAsync(new Uri(page).AbsoluteUri);
            Assert.Contains("data-report-ready=\"true\"", dom, StringComparison.Ordinal);
            var images = ImageState().Matches(dom).Select(m => (State: m.Groups[1].Value, Width: int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
            Assert.All(images, i => Assert.True(i is { State: "loaded", Width: > 0 }, $"{Path.GetFileName(page)}: an image did not load ({i})"));
            if (page.Contains("job-", StringComparison.Ordinal))
            {
                Assert.Equal(7, images.Count);
            }

            foreach (var link in Reference().Matches(dom).Select(m => WebUtility.HtmlDecode(m.Groups[2].Value)).Where(l => !l.StartsWith('#') && !l.StartsWith("data:", StringComparison.Ordinal)))
            {
                Assert.False(link.Contains("..", StringComparison.Ordinal) || link.Contains("://", StringComparison.Ordinal) || link.StartsWith('/'), $"{link} leaves the folder");
                var target = Path.Combine(moved, Uri.UnescapeDataString(link.Split('#')[0]));
                Assert.True(File.Exists(target), $"{Path.GetFileName(page)} links to {link}, which is not in the folder");
            }
        }

        // The full-size view is the stamped copy, and the original is one click from it.
        var job = File.ReadAllText(pages.Single(p => p.Contains("job-", StringComparison.Ordinal)));
        Assert.Equal(7, Regex.Count(job, "class=\"stamped\""));
        Assert.Equal(7, Regex.Count(job, "class=\"original\""));

        var png = Path.Combine(Artifacts, "report-moved-job.png");
        await HeadlessChromium.ScreenshotAsync(new Uri(pages.Single(p => p.Contains("job-", StringComparison.Ordinal))).AbsoluteUri, png, height: 2400);
        Assert.True(new FileInfo(png).Length > 10_000, "screenshot is suspiciously small");
        output.WriteLine($"screenshot: {png}");
    }

    [Fact]
    public async Task In_chinese_mode_no_english_sentence_remains_on_the_job_page()
    {
        var report = await GenerateAsync();
        var page = Directory.GetFiles(report, "job-*.html").Single();

        var dom = await HeadlessChromium.DumpDomAsync(new Uri(page).AbsoluteUri + "#lang=zh");

        Assert.Contains("data-lang=\"zh\"", dom, StringComparison.Ordinal);
        var text = VisibleInChinese(dom);
        Assert.Contains("已上个人锁", text, StringComparison.Ordinal);
        Assert.Contains("触发前", text, StringComparison.Ordinal);
        Assert.Contains("在验证零能量之前解锁", text, StringComparison.Ordinal);
        var english = EnglishSentence().Matches(text).Select(m => m.Value).ToList();
        Assert.True(english.Count == 0, "English left in 中文 mode: " + string.Join(" | ", english));

        await HeadlessChromium.ScreenshotAsync(new Uri(page).AbsoluteUri + "#lang=zh", Path.Combine(Artifacts, "report-job-zh.png"), height: 2400);
    }

    [Fact]
    public async Task Job_page_draws_an_svg_timeline_of_steps_edges_photos_findings_and_clock()
    {
        var report = await GenerateAsync();
        var html = File.ReadAllText(Directory.GetFiles(report, "job-*.html").Single());
        var svg = Regex.Match(html, "<svg class=\"timeline\".*?</svg>", RegexOptions.Singleline).Value;

        Assert.Equal(6, Regex.Count(svg, "<g class=\"step\""));
        Assert.Equal(3, Regex.Count(svg, "<polygon class=\"(on|off)\""));
        Assert.Equal(7, Regex.Count(svg, "<circle class=\"photo "));
        Assert.Single(Regex.Matches(svg, "<circle class=\"offset pre\" data-role=\"pre\" data-offset-ms=\"-400\""));
        Assert.True(Regex.Count(svg, "<polygon class=\"finding\"") >= 2);
        Assert.Contains("class=\"untrusted\"", svg, StringComparison.Ordinal);
        Assert.Contains("class=\"unstated\"", svg, StringComparison.Ordinal); // the clean job's records carry no clock stamp
    }

    [Fact]
    public async Task Pdf_writes_one_pdf_per_job_with_chromium()
    {
        Assert.NotNull(HeadlessChromium.Executable);
        var report = await GenerateAsync("--pdf", "--chromium", HeadlessChromium.Executable!);

        var pdf = Assert.Single(Directory.GetFiles(report, "*.pdf"));
        Assert.StartsWith("job-", Path.GetFileName(pdf), StringComparison.Ordinal);
        var bytes = File.ReadAllBytes(pdf);
        Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
        Assert.True(bytes.Length > 20_000, $"PDF of {bytes.Length} bytes is too small to hold the photos");
    }

    [Fact]
    public async Task Pdf_without_chromium_says_so_writes_the_html_and_exits_69()
    {
        var store = new EvidenceStoreBuilder(temp.Combine("store"));
        store.AddCleanJob();
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var exit = await EdgeAgentCli.InvokeAsync(["report", store.Store.Root, "--output", temp.Combine("report"), "--pdf", "--chromium", temp.Combine("no-such-chromium")], stdout, stderr);

        Assert.Equal(ExitCodes.Unavailable, exit);
        Assert.Contains("--pdf needs Chromium, which is not installed", stderr.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(temp.Combine("report", ReportGenerator.IndexFile)));
        Assert.Empty(Directory.GetFiles(temp.Combine("report"), "*.pdf"));
    }

    /// <summary>
    /// The page text a reader sees with 中文 chosen: elements in other languages are hidden by the page's own CSS
    /// rule (html[data-lang=zh] [lang]:not([lang=zh])), so they are dropped here; tooltips, style, script and
    /// &lt;code&gt; (ids, hashes, paths, names) are not sentences.
    /// </summary>
    private static string VisibleInChinese(string dom)
    {
        var body = dom[dom.IndexOf("<body", StringComparison.Ordinal)..];
        body = OtherLanguage().Replace(body, " ");
        body = NotText().Replace(body, " ");
        return WebUtility.HtmlDecode(Tag().Replace(body, " "));
    }

    [GeneratedRegex("data-image-state=\"(\\w+)\"[^>]*data-natural-width=\"(\\d+)\"")]
    private static partial Regex ImageState();

    [GeneratedRegex("(src|href)=\"([^\"]+)\"")]
    private static partial Regex Reference();

    [GeneratedRegex("<(\\w+)[^>]*\\slang=\"(?!zh\")[^\"]*\"[^>]*>.*?</\\1>", RegexOptions.Singleline)]
    private static partial Regex OtherLanguage();

    [GeneratedRegex("<(title|style|script|code)\\b[^>]*>.*?</\\1>", RegexOptions.Singleline)]
    private static partial Regex NotText();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    /// <summary>Two or more English words in a row.</summary>
    [GeneratedRegex("\\b[A-Za-z]{2,}(?:[ ,;:'()]+[A-Za-z]{2,})+\\b")]
    private static partial Regex EnglishSentence();

    public void Dispose() => temp.Dispose();
}
