using EdgeAgent.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeAgent.Tests.Health;

public sealed class CameraHealthTests
{
    [Fact]
    public async Task Fps_is_frames_over_at_least_a_second_and_age_and_sharpness_come_from_the_newest_frame()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cameras = new ManualFrameSourceFactory();
        await using var agent = await AgentHarness.StartAsync(services: s =>
        {
            s.Replace(ServiceDescriptor.Singleton<TimeProvider>(time));
            s.Replace(ServiceDescriptor.Singleton<IFrameSourceFactory>(cameras));
        });
        var reader = agent.Get<CameraRegistry>().Get("cam-1");
        var collector = agent.Get<HealthCollector>();
        await PushAsync(reader, cameras["cam-1"]);
        Assert.Null((await collector.CollectAsync()).Cameras.Single().Fps); // one sample is no rate

        for (var i = 0; i < 8; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(125));
            await PushAsync(reader, cameras["cam-1"]);
        }

        time.Advance(TimeSpan.FromMilliseconds(300));
        var camera = (await collector.CollectAsync()).Cameras.Single();
        var again = (await collector.CollectAsync()).Cameras.Single(); // right after: the same rate, not noise

        Assert.Equal(8.0, camera.Fps); // 8 frames in 1.0 s
        Assert.Equal(8.0, again.Fps);
        Assert.Equal(0.3, camera.LastFrameAgeSeconds);
        Assert.True(camera.Sharpness > new EdgeAgent.Configuration.QualityThresholds().MinSharpness, $"sharpness {camera.Sharpness}");
        Assert.Empty(camera.Flags);
    }

    [Fact]
    public async Task A_black_frame_is_reported_as_covered_in_the_words_of_the_evidence_findings()
    {
        var cameras = new ManualFrameSourceFactory();
        await using var agent = await AgentHarness.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<IFrameSourceFactory>(cameras)));
        var reader = agent.Get<CameraRegistry>().Get("cam-1");
        var arrived = reader.NextFrameAsync();
        cameras["cam-1"].Push(new RawFrame(new byte[320 * 240 * 3], 320, 240));
        await arrived.WaitAsync(TimeSpan.FromSeconds(10));

        var report = await agent.Get<HealthCollector>().CollectAsync();

        Assert.Equal(0, report.Cameras.Single().Sharpness);
        Assert.Equal(["covered"], report.Cameras.Single().Flags);
        Assert.Equal("degraded", report.Status);
        Assert.Contains("camera cam-1: lens covered (dark and featureless); not valid evidence", report.Problems);
    }

    [Fact]
    public async Task A_camera_repeating_the_same_picture_for_the_frozen_window_is_reported_frozen()
    {
        var cameras = new ManualFrameSourceFactory();
        // A short window, so real time reaches it quickly; the default (3 s) and the short repeat are tested on fake time (CaptureEvidenceTests).
        await using var agent = await AgentHarness.StartAsync(
            editConfig: c => c["Cameras"]![0]!["Quality"] = new System.Text.Json.Nodes.JsonObject { ["FrozenAfterSeconds"] = 0.2 },
            services: s => s.Replace(ServiceDescriptor.Singleton<IFrameSourceFactory>(cameras)));
        var reader = agent.Get<CameraRegistry>().Get("cam-1");
        var collector = agent.Get<HealthCollector>();
        var still = new SyntheticFrameSource(320, 240, 10, TimeProvider.System).Draw(DateTimeOffset.UtcNow, 1);
        await PushAsync(reader, cameras["cam-1"], still);
        Assert.False((await collector.CollectAsync()).Cameras.Single().Frozen);
        await PushAsync(reader, cameras["cam-1"]);
        Assert.False((await collector.CollectAsync()).Cameras.Single().Frozen); // a moving scene

        // The same picture again and again until it has not changed for the window (pushing, not sleeping: a loaded machine only gets there sooner).
        var copy = new RawFrame((byte[])reader.Latest!.Image.Pixels.Clone(), 320, 240);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await PushAsync(reader, cameras["cam-1"], copy with { Pixels = (byte[])copy.Pixels.Clone() });
        }
        while (reader.Latest!.UnchangedFor < TimeSpan.FromSeconds(0.2) && DateTime.UtcNow < deadline);
        var report = await collector.CollectAsync();

        Assert.True(report.Cameras.Single().Frozen);
        Assert.Contains(report.Problems, p => p.StartsWith("camera cam-1: frame frozen (picture unchanged for ", StringComparison.Ordinal) && p.EndsWith("not valid evidence", StringComparison.Ordinal));
    }

    private static async Task PushAsync(CameraReader reader, ManualFrameSource source, RawFrame frame)
    {
        var arrived = reader.NextFrameAsync();
        source.Push(frame);
        await arrived.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task PushAsync(CameraReader reader, ManualFrameSource source)
    {
        var arrived = reader.NextFrameAsync();
        source.Push();
        await arrived.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
