using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeAgent.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeAgent.Tests.Health;

public sealed class SystemdWatchdogTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(500); // half of the 1 s WatchdogSec below

    [Fact]
    public async Task Watchdog_is_fed_while_frames_flow_and_withheld_while_the_capture_loop_hangs()
    {
        using var dir = new TempDirectory();
        using var systemd = new NotifySocketListener(dir.Combine("notify"));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cameras = new ManualFrameSourceFactory();
        await using var agent = await AgentHarness.BuildAsync(
            config => config["Health"] = new JsonObject { ["FrameStallSeconds"] = 2 },
            services =>
            {
                services.Replace(ServiceDescriptor.Singleton<TimeProvider>(time));
                services.Replace(ServiceDescriptor.Singleton<IFrameSourceFactory>(cameras));
                services.Replace(ServiceDescriptor.Singleton<ISystemdNotifier>(new NotifySocketNotifier(systemd.Path)));
                services.Replace(ServiceDescriptor.Singleton(new WatchdogSettings(TimeSpan.FromSeconds(1))));
                services.AddSingleton<IHostLifetime, SystemdLifetime>();
            });
        agent.AllowErrors("Withholding systemd watchdog pings"); // the hang this test makes
        var verdicts = Channel.CreateUnbounded<PipelineVerdict>();
        agent.Get<SystemdWatchdogService>().Checked += (_, v) => verdicts.Writer.TryWrite(v);
        await agent.StartAsync();
        await systemd.WaitForAsync("READY=1");
        Assert.True((await NextAsync(verdicts)).Healthy); // the check at start, before any frame

        // Frames flow: pings.
        var reader = agent.Get<CameraRegistry>().Get("cam-1");
        var arrived = reader.NextFrameAsync();
        cameras["cam-1"].Push();
        await arrived.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(Tick);
        Assert.True((await NextAsync(verdicts)).Healthy);
        await systemd.WaitForAsync("WATCHDOG=1");

        // The source stops yielding: the reader still says connected, but nothing moves.
        PipelineVerdict verdict;
        var ticks = 0;
        do
        {
            time.Advance(Tick);
            verdict = await NextAsync(verdicts);
        }
        while (verdict.Healthy && ++ticks < 10);
        Assert.False(verdict.Healthy);
        Assert.Equal(CameraState.Connected, reader.State);
        Assert.Contains(verdict.Problems, p => p.Contains("camera cam-1: capture loop hung", StringComparison.Ordinal));
        Assert.InRange(ticks, 3, 5); // 2 s stall at 0.5 s per tick: not before the stall, not long after

        for (var i = 0; i < 4; i++)
        {
            time.Advance(Tick);
            Assert.False((await NextAsync(verdicts)).Healthy);
        }

        await systemd.FlushAsync();
        var seen = systemd.Seen.ToList();
        var withheld = seen.FindIndex(m => m.StartsWith("STATUS=camera cam-1: capture loop hung", StringComparison.Ordinal));
        Assert.True(withheld > 0, string.Join(" | ", seen));
        Assert.DoesNotContain("WATCHDOG=1", seen.Skip(withheld));

        // Frames again: pings resume. Then a clean stop says STOPPING=1.
        arrived = reader.NextFrameAsync();
        cameras["cam-1"].Push();
        await arrived.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(Tick);
        Assert.True((await NextAsync(verdicts)).Healthy);
        await systemd.WaitForAsync("WATCHDOG=1");
        await systemd.WaitForAsync("STATUS=pipeline healthy");

        await agent.StopAsync();
        await systemd.WaitForAsync("STOPPING=1");
    }

    [Fact]
    public async Task Watchdog_is_withheld_when_a_trigger_waits_too_long_for_the_recorder()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Microsoft.Extensions.Options.Options.Create(new EdgeAgent.Configuration.EdgeAgentOptions { Health = { RecorderStallSeconds = 60 } });
        var bus = new EdgeAgent.Triggers.TriggerBus();
        await using var cameras = new CameraRegistry(options, new ManualFrameSourceFactory(), time, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var pipeline = new PipelineHealth(cameras, bus, new EdgeAgent.Triggers.RecorderActivity(time), options, time);

        bus.Publish(new EdgeAgent.Triggers.TriggerEvent("conveyor-1", EdgeAgent.Triggers.TriggerKind.Manual, "test", "t", time.GetUtcNow(), time.GetTimestamp()));
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(pipeline.Evaluate().Healthy);
        time.Advance(TimeSpan.FromSeconds(2));

        var verdict = pipeline.Evaluate();
        Assert.False(verdict.Healthy);
        Assert.Contains(verdict.Problems, p => p.StartsWith("recorder:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watchdog_is_withheld_when_the_recorder_is_stuck_on_one_trigger()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Microsoft.Extensions.Options.Options.Create(new EdgeAgent.Configuration.EdgeAgentOptions { Health = { RecorderStallSeconds = 60 } });
        await using var cameras = new CameraRegistry(options, new ManualFrameSourceFactory(), time, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var activity = new EdgeAgent.Triggers.RecorderActivity(time);
        var pipeline = new PipelineHealth(cameras, new EdgeAgent.Triggers.TriggerBus(), activity, options, time);

        activity.Begin(); // nothing queued behind it: only the recorder's own activity can tell
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(pipeline.Evaluate().Healthy);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Contains(pipeline.Evaluate().Problems, p => p.StartsWith("recorder: stuck", StringComparison.Ordinal));

        activity.End();
        Assert.True(pipeline.Evaluate().Healthy);
    }

    [Fact]
    public async Task A_camera_that_never_delivered_a_frame_does_not_stop_the_watchdog()
    {
        // After a restart a dead camera is "starting" again: counting it would be an endless restart loop.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = Microsoft.Extensions.Options.Options.Create(new EdgeAgent.Configuration.EdgeAgentOptions
        {
            Cameras = [new EdgeAgent.Configuration.CameraOptions { Id = "cam-1" }],
        });
        await using var cameras = new CameraRegistry(options, new ManualFrameSourceFactory(), time, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await cameras.StartAsync(CancellationToken.None);
        var pipeline = new PipelineHealth(cameras, new EdgeAgent.Triggers.TriggerBus(), new EdgeAgent.Triggers.RecorderActivity(time), options, time);

        time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(CameraState.Starting, cameras.Get("cam-1").State);
        Assert.True(pipeline.Evaluate().Healthy);
    }

    [Theory]
    [InlineData("30000000", null, 30.0)]
    [InlineData("30000000", "4242", 30.0)]
    [InlineData("30000000", "1", null)] // armed for another process
    [InlineData(null, null, null)]
    [InlineData("garbage", null, null)]
    public void Watchdog_interval_comes_from_WATCHDOG_USEC_for_this_process_only(string? usec, string? pid, double? seconds) =>
        Assert.Equal(seconds, WatchdogSettings.Parse(usec, pid, 4242).Interval?.TotalSeconds);

    private static async Task<PipelineVerdict> NextAsync(Channel<PipelineVerdict> verdicts) =>
        await verdicts.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
}
