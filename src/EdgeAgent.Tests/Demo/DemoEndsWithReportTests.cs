using EdgeAgent.Demo;
using EdgeAgent.Central.Reporting;

namespace EdgeAgent.Tests.Demo;

public sealed class DemoEndsWithReportTests
{
    [Fact]
    public async Task Demo_ends_by_printing_the_report_index_with_every_record_verified()
    {
        using var temp = new TempDirectory();
        var console = new StringWriter();

        var exit = await new DemoRunner(temp.Path, brokerUrl: null, console).RunAsync();

        Assert.True(exit == 0, console.ToString());
        var index = Path.Combine(temp.Path, "report", ReportGenerator.IndexFile);
        var lines = console.ToString().TrimEnd().Split('\n');
        Assert.Equal(index, lines[^1].Trim());
        var page = File.ReadAllText(Assert.Single(Directory.GetFiles(Path.Combine(temp.Path, "report"), "job-*.html")));
        // Every record passes chain, signature and image checks; the job may still carry findings (an unsynchronised
        // clock on a machine without NTP), but it must not have failed verification.
        var records = new EdgeAgent.Central.Collector.EvidenceStore(Path.Combine(temp.Path, "collector")).Enumerate().Count();
        Assert.InRange(records, 6, 8); // six steps, the lock step with up to two more from the pre-trigger ring
        Assert.Equal(records, System.Text.RegularExpressions.Regex.Count(page, "data-verification=\"verified\""));
        Assert.DoesNotContain("id=\"job-status\">" + Html.Status(JobStatus.Failed), page, StringComparison.Ordinal);
        Assert.Contains("signature", page, StringComparison.Ordinal);
        Assert.Contains("已上个人锁", page, StringComparison.Ordinal);
        Assert.Equal(records, Directory.GetFiles(Path.Combine(temp.Path, "report", "thumbs"), "*.jpg", SearchOption.AllDirectories).Length);
    }
}
