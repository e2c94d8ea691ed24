using EdgeAgent.Platform;
using EdgeAgent.Tests.Deploy;
using EdgeAgent.Tests.Central.Reporting;

namespace EdgeAgent.Tests.Cli;

/// <summary><c>report</c> and <c>verify</c> on long or damaged stores: progress on a terminal, a summary, and named failures.</summary>
public sealed class ReportHonestyTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly EvidenceStoreBuilder store;

    public ReportHonestyTests() => store = new EvidenceStoreBuilder(temp.Combine("store"));

    private static string EdgeAgentDll => Path.Combine(AppContext.BaseDirectory, "edgeagent.dll");

    /// <summary>A JPEG cut short after hashing, as a transfer or a full disk leaves it: the hash matches, the photo is broken.</summary>
    private void AddTruncatedPhoto()
    {
        var whole = EvidenceStoreBuilder.Jpeg(640, 360, "cut");
        store.Add("locked", "LockOn", image: whole[..(whole.Length / 2)]);
    }

    [Fact]
    public async Task Truncated_jpeg_is_a_named_failure_of_report_with_exit_1()
    {
        store.Add("isolated");
        AddTruncatedPhoto();
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var exit = await EdgeAgentCli.InvokeAsync(["report", store.Store.Root, "--output", temp.Combine("report")], stdout, stderr);

        Assert.Equal(ExitCodes.Failure, exit);
        var fail = Assert.Single(stderr.ToString().Split('\n'), l => l.StartsWith("FAIL ", StringComparison.Ordinal));
        Assert.Contains("00000002-locked-cam-1.jpg", fail, StringComparison.Ordinal);
        Assert.Contains("truncated", fail, StringComparison.Ordinal);
        Assert.Contains("2 records, 1 failures", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_jpeg_fails_verify_naming_the_file()
    {
        store.Add("isolated");
        AddTruncatedPhoto();
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var exit = await EdgeAgentCli.InvokeAsync(["verify", store.Store.Root], stdout, stderr);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("image-integrity: image 00000002-locked-cam-1.jpg is truncated", stderr.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("FAILED: 1 problems in 2 records in ", stdout.ToString().Trim().Split('\n')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_report_shows_progress_and_ends_with_one_summary_line()
    {
        store.AddCleanJob();

        // script(1) gives the child a real pseudo-terminal, as a person at a shell has.
        var tty = await ChildProcess.RunAsync("script", ["-qec", $"dotnet {EdgeAgentDll} report {store.Store.Root} --output {temp.Combine("tty")}", "/dev/null"], timeout: TimeSpan.FromSeconds(120));
        var piped = await ChildProcess.RunAsync("dotnet", [EdgeAgentDll, "report", store.Store.Root, "--output", temp.Combine("piped")], timeout: TimeSpan.FromSeconds(120));

        Assert.True(tty.ExitCode == 0, tty.Output + tty.Error);
        Assert.Matches("photos: 6/6 records · \\d+/s", tty.Output);
        Assert.Matches("report: 1 jobs, 6 records, 0 failures in [0-9.]+ s \\(\\d+ records/s\\)", tty.Output);
        Assert.Equal(0, piped.ExitCode);
        Assert.DoesNotContain("photos:", piped.Output + piped.Error, StringComparison.Ordinal);
        Assert.Single(piped.Output.Split('\n'), l => l.StartsWith("report: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Progress_line_redraws_at_most_every_interval_and_always_at_the_end()
    {
        var time = new FakeTimeProvider();
        var line = new StringWriter();
        var progress = new TerminalProgress(line, time);

        progress.Report(new WorkProgress("photos", 1, 1000));
        time.Advance(TimeSpan.FromMilliseconds(50));
        progress.Report(new WorkProgress("photos", 2, 1000));
        time.Advance(TimeSpan.FromMilliseconds(950));
        progress.Report(new WorkProgress("photos", 500, 1000));
        progress.Report(new WorkProgress("photos", 1000, 1000));
        progress.Finish();

        var draws = line.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries).Select(d => d.Replace("\u001b[K", "", StringComparison.Ordinal)).Where(d => d.Length > 0).ToList();
        Assert.Equal(["photos: 1/1000 records", "photos: 500/1000 records · 500/s", "photos: 1000/1000 records · 1000/s"], draws);
        Assert.EndsWith("\r\u001b[K", line.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => temp.Dispose();
}
