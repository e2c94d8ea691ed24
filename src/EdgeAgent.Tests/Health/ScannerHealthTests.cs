using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeAgent.Control;
using EdgeAgent.Health;
using EdgeAgent.Scanning;
using EdgeAgent.Tests.Scanning;

namespace EdgeAgent.Tests.Health;

/// <summary>Scanners in the health report of a whole agent: a live one on a FIFO, and one whose device does not exist.</summary>
public sealed class ScannerHealthTests
{
    private static JsonObject Scanner(string id, string path) =>
        new() { ["Id"] = id, ["Point"] = "conveyor-1", ["Kind"] = "evdev", ["Path"] = path, ["Grab"] = false, ["ReconnectMs"] = 60_000 };

    [Fact]
    public async Task A_missing_scanner_degrades_health_with_its_reason_and_a_live_one_shows_its_last_and_rejected_scans()
    {
        using var dir = new Infrastructure.TempDirectory();
        var fifo = dir.Combine("scanner-event-kbd");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }

        var missing = dir.Combine("no-such-dir", "usb-Badge-event-kbd");
        await using var agent = await AgentHarness.BuildAsync(c => c["Scanning"] = new JsonObject { ["Scanners"] = new JsonArray(Scanner("badge-1", fifo), Scanner("tag-2", missing)) });
        var service = agent.Get<ScannerService>();
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lost = new Dictionary<string, TaskCompletionSource>(StringComparer.Ordinal)
        {
            ["badge-1"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["tag-2"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        service.DeviceOpened += id => opened.TrySetResult();
        service.DeviceLost += id => lost[id].TrySetResult();
        await agent.StartAsync();
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await lost["tag-2"].Task.WaitAsync(TimeSpan.FromSeconds(10));

        // One unknown key (rejected) and one line no pattern matches, then the writer goes: the reader reads to the end.
        await using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None))
        {
            await writer.WriteAsync(new EvdevEvents().Key(88).Enter().Line("hello").ToArray());
        }

        await lost["badge-1"].Task.WaitAsync(TimeSpan.FromSeconds(10));
        using var client = new ControlClient(agent.SocketPath);
        var report = JsonSerializer.Deserialize<HealthReport>(await client.GetStringAsync("v1/health"), HealthJson.Options)!;

        var tag = Assert.Single(report.Scanners, s => s.Id == "tag-2");
        Assert.Equal(("evdev", "conveyor-1", ScannerHealth.Missing), (tag.Kind, tag.Point, tag.State));
        Assert.Contains(missing, tag.Reason, StringComparison.Ordinal);
        Assert.Null(tag.LastScanAt);
        var badge = Assert.Single(report.Scanners, s => s.Id == "badge-1");
        Assert.NotNull(badge.LastScanAt);
        Assert.Equal((1, 1), (badge.RecentRejected, badge.RecentUnmatched));
        Assert.NotEqual("ok", report.Status);
        Assert.Contains(report.Problems, p => p.StartsWith("scanner tag-2: missing (", StringComparison.Ordinal) && p.Contains(missing, StringComparison.Ordinal));

        using var output = new StringWriter();
        Assert.Equal(ExitCodes.Degraded, await EdgeAgentCli.InvokeAsync(["status", "--socket", agent.SocketPath], output, output)); // degraded: 2, not failing
        Assert.Matches(@"tag-2\s+missing\s+evdev\s+-\s+0", output.ToString());
        Assert.Matches(@"badge-1\s+\w+\s+evdev\s+\d\d:\d\d:\d\d\s+1", output.ToString());
    }
}
