using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeAgent.Central.Reporting;
using Xunit.Abstractions;

namespace EdgeAgent.Tests.Central.Reporting;

/// <summary>The report as a person sees it: real headless Chromium opening the files from disk, offline.</summary>
public sealed partial class ReportInBrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory temp = new();

    /// <summary>Screenshots are kept here (under the test's bin directory) as test artefacts.</summary>
    private static string Artifacts => Path.Combine(AppContext.BaseDirectory, "artifacts");

    private async Task<string> GenerateAsync()
    {
        var store = new EvidenceStoreBuilder(temp.Combine("store"));
        store.AddCleanJob();
        store.WorkOrder = "WO-2";
        store.Site = "site-b";
        store.Clock = store.Clock.AddDays(2);
        store.Add("isolated");
        store.Add("locked", "LockOn");
        store.Add("locked", "LockOff", advanced: false);

        return await store.ReportAsync(temp.Combine("report"));
    }

    [Fact]
    public async Task Job_page_renders_in_chromium_with_steps_in_order_and_thumbnails_loaded()
    {
        Assert.NotNull(HeadlessChromium.Executable);
        var report = await GenerateAsync();
        var page = Directory.GetFiles(report, "job-site-a.*.html").Single();

        var dom = await HeadlessChromium.DumpDomAsync(new Uri(page).AbsoluteUri);

        Assert.Contains("data-report-ready=\"true\"", dom, StringComparison.Ordinal);
        var steps = StepAttribute().Matches(dom).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(EvidenceStoreBuilder.Steps, steps);
        var thumbs = ThumbState().Matches(dom).Select(m => (State: m.Groups[1].Value, Width: int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(6, thumbs.Count);
        Assert.All(thumbs, t => Assert.Equal(("loaded", Thumbnailer.Width), t));
        Assert.Contains("已上个人锁", dom, StringComparison.Ordinal);

        var png = Path.Combine(Artifacts, "report-job.png");
        await HeadlessChromium.ScreenshotAsync(new Uri(page).AbsoluteUri, png);
        Assert.True(new FileInfo(png).Length > 10_000, "screenshot is suspiciously small");
        output.WriteLine($"screenshot: {png}");
    }

    [Fact]
    public async Task Index_lists_jobs_and_filters_by_status_from_the_url()
    {
        var report = await GenerateAsync();
        var index = new Uri(Path.Combine(report, ReportGenerator.IndexFile)).AbsoluteUri;

        var all = await HeadlessChromium.DumpDomAsync(index);
        Assert.Equal(2, JobRow().Count(all));
        Assert.Contains("2 / 2", all, StringComparison.Ordinal);

        var filtered = await HeadlessChromium.DumpDomAsync(index + "#status=findings");
        var rows = JobRow().Matches(filtered).Select(m => m.Value).ToList();
        Assert.Single(rows, r => !r.Contains(" hidden", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("site-b", StringComparison.Ordinal) && !r.Contains(" hidden", StringComparison.Ordinal));
        Assert.Contains("1 / 2", filtered, StringComparison.Ordinal);

        await HeadlessChromium.ScreenshotAsync(index, Path.Combine(Artifacts, "report-index.png"), height: 700);
        output.WriteLine($"screenshot: {Path.Combine(Artifacts, "report-index.png")}");
    }

    [Fact]
    public async Task Json_export_holds_every_record_with_its_verification()
    {
        var report = await GenerateAsync();
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(report, ReportGenerator.JsonFile)));
        var jobs = json.RootElement.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(2, jobs.Count);
        Assert.Equal(9, jobs.Sum(j => j.GetProperty("records").GetArrayLength()));
        Assert.All(jobs.SelectMany(j => j.GetProperty("records").EnumerateArray()), r => Assert.Equal("verified", r.GetProperty("verification").GetProperty("status").GetString()));
        Assert.True(File.Exists(Path.Combine(report, jobs[0].GetProperty("records")[0].GetProperty("thumbnail").GetString()!)));
    }

    [Fact]
    public async Task Pages_reference_no_remote_assets()
    {
        var report = await GenerateAsync();
        foreach (var file in Directory.GetFiles(report, "*.html"))
        {
            var html = File.ReadAllText(file);
            Assert.DoesNotMatch(RemoteReference(), html);
        }
    }

    [GeneratedRegex("data-step=\"([^\"]+)\"")]
    private static partial Regex StepAttribute();

    [GeneratedRegex("data-thumb-state=\"(\\w+)\"[^>]*data-natural-width=\"(\\d+)\"")]
    private static partial Regex ThumbState();

    [GeneratedRegex("<tr class=\"job\"[^>]*>")]
    private static partial Regex JobRow();

    [GeneratedRegex("(src|href)=\"(https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteReference();

    public void Dispose() => temp.Dispose();
}
