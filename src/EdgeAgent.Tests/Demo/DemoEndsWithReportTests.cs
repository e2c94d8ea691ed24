using EdgeAgent.Demo;
using EdgeAgent.Reporting;
using EdgeAgent.Tests.Infrastructure;

namespace EdgeAgent.Tests.Demo;

public sealed class DemoEndsWithReportTests
{
    [Fact]
    public async Task Demo_ends_by_printing_the_report_index_with_the_whole_job_verified()
    {
        using var temp = new TempDirectory();
        var console = new StringWriter();

        var exit = await new DemoRunner(temp.Path, brokerUrl: null, console).RunAsync();

        Assert.True(exit == 0, console.ToString());
        var index = Path.Combine(temp.Path, "report", ReportGenerator.IndexFile);
        var lines = console.ToString().TrimEnd().Split('\n');
        Assert.Equal(index, lines[^1].Trim());
        var page = File.ReadAllText(Assert.Single(Directory.GetFiles(Path.Combine(temp.Path, "report"), "job-*.html")));
        Assert.Contains("id=\"job-status\">" + Html.Status(JobStatus.Verified), page, StringComparison.Ordinal);
        Assert.Contains("已上个人锁", page, StringComparison.Ordinal);
        Assert.Equal(6, Directory.GetFiles(Path.Combine(temp.Path, "report", "thumbs"), "*.jpg", SearchOption.AllDirectories).Length);
    }
}
