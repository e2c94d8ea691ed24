using EdgeAgent.Capture.Overlay;
using EdgeAgent.Evidence;
using Microsoft.Extensions.Configuration;

namespace EdgeAgent.Tests.Capture;

/// <summary>
/// Frames that cannot be evidence (frozen, blank) reach the record flagged, never as good photos; a picture repeated
/// for a moment is not frozen. On fake time: frozen is judged by how long the picture did not change.
/// </summary>
public sealed class CaptureEvidenceTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly TempDirectory temp = new();
    private readonly ScriptedFrameSource source = new(TestImages.Width, TestImages.Height);
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        var config = AgentConfig.Baseline(temp.Path, "mqtt://127.0.0.1:1");
        config["Cameras"]![0]!["Width"] = TestImages.Width;
        config["Cameras"]![0]!["Height"] = TestImages.Height;
        var configuration = new ConfigurationBuilder().AddJsonFile(AgentConfig.Write(temp.Path, config)).Build();
        var collection = new ServiceCollection().AddLogging();
        collection.AddSingleton<TimeProvider>(time);
        collection.AddSingleton<IClockSyncProbe>(new FixedClockSyncProbe(true));
        collection.AddSingleton<IFrameSourceFactory>(new OneSource(source));
        collection.AddEdgeAgent(configuration);
        services = collection.BuildServiceProvider();
        await services.GetRequiredService<CameraRegistry>().StartAsync(default);
        await source.WaitOpenedAsync(1);
    }

    [Fact]
    public async Task Frozen_camera_frame_is_recorded_with_the_frozen_flag_and_a_finding()
    {
        var still = TestImages.Scene();
        await PushAsync(still);
        time.Advance(TimeSpan.FromSeconds(2));
        await PushAsync(still);
        time.Advance(TimeSpan.FromSeconds(2));

        var record = await TriggerAndPushAsync(still); // the same picture for 4.5 s: longer than the 3 s window

        Assert.Contains(FrameQuality.Frozen, record.Frame.Quality!.Flags);
        Assert.False(record.Frame.Quality.Good);
        Assert.Equal(2, record.Frame.Quality.UnchangedFrames);
        Assert.Equal(4500, record.Frame.Quality.UnchangedMs);
        Assert.Contains(record.Findings, f => f.StartsWith("bad-frame:", StringComparison.Ordinal) && f.Contains("frozen", StringComparison.Ordinal) && f.Contains("not valid evidence", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Picture_repeated_for_a_moment_is_not_frozen_and_raises_no_bad_frame_finding()
    {
        var still = TestImages.Scene();
        await PushAsync(TestImages.Scene(7));
        time.Advance(TimeSpan.FromMilliseconds(100));
        await PushAsync(still);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await PushAsync(still); // a decoder repeating a frame, as ffmpeg does on a jittery stream

        var record = await TriggerAndPushAsync(still);

        Assert.Equal(2, record.Frame.Quality!.UnchangedFrames);
        Assert.Equal(600, record.Frame.Quality.UnchangedMs);
        Assert.DoesNotContain(FrameQuality.Frozen, record.Frame.Quality.Flags);
        Assert.True(record.Frame.Quality.Good);
        Assert.DoesNotContain(record.Findings, f => f.StartsWith("bad-frame:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Camera_that_goes_blank_is_recorded_with_the_blank_flag()
    {
        await PushAsync(TestImages.Scene(1));

        var record = await TriggerAndPushAsync(TestImages.SignalLost());

        Assert.Equal([FrameQuality.Blank], record.Frame.Quality!.Flags);
        Assert.Contains(record.Findings, f => f.Contains("blank or signal lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Live_frame_is_recorded_good_with_its_signals_and_scene_match_after_commissioning()
    {
        await PushAsync(TestImages.Scene(1));
        services.GetRequiredService<CameraRegistry>().CommissionReference("cam-1");

        var record = await TriggerAndPushAsync(TestImages.Scene(2));

        var quality = record.Frame.Quality!;
        Assert.Empty(quality.Flags);
        Assert.True(quality.Good);
        Assert.True(quality.Sharpness > 100);
        Assert.True(quality.SceneMatch > 0.75);
        Assert.DoesNotContain(record.Findings, f => f.Contains("cam-1", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(temp.Path, "references", "cam-1.png")));
    }

    [Fact]
    public async Task Recorded_photo_keeps_the_original_in_the_outbox_and_an_overlay_copy_derived_from_it()
    {
        await PushAsync(TestImages.Scene(1));

        var record = await TriggerAndPushAsync(TestImages.Scene(2));

        var item = Assert.Single(await services.GetRequiredService<EvidenceOutbox>().PeekAsync(10), i => i.RecordId == record.RecordId);
        Assert.Equal(record.Image.Sha256, EvidencePhoto.Sha256(item.Image));
        var overlayPath = Path.Combine(temp.Path, "overlays", record.RecordId.ToString("N") + ".jpg");
        var original = JpegEncoder.Decode(item.Image);
        var overlay = JpegEncoder.Decode(await File.ReadAllBytesAsync(overlayPath));
        Assert.Equal((original.Width, original.Height), (overlay.Width, overlay.Height));
        var bottomRow = (original.Height - 10) * original.Width * 3;
        Assert.NotEqual(original.Pixels.AsSpan(bottomRow, original.Width * 3).ToArray(), overlay.Pixels.AsSpan(bottomRow, original.Width * 3).ToArray());
    }

    [Fact]
    public async Task Health_inspection_reports_a_frozen_camera_as_connected_but_not_healthy()
    {
        var registry = services.GetRequiredService<CameraRegistry>();
        await PushAsync(TestImages.Scene(1));
        Assert.True(registry.Inspect("cam-1").Healthy);
        time.Advance(TimeSpan.FromSeconds(1));
        await PushAsync(TestImages.Scene(1));
        Assert.True(registry.Inspect("cam-1").Healthy); // repeated for a second: not frozen yet

        time.Advance(TimeSpan.FromSeconds(2.5));
        await PushAsync(TestImages.Scene(1)); // unchanged for 3.5 s
        var health = registry.Inspect("cam-1");

        Assert.Equal(CameraState.Connected, health.Status.State);
        Assert.Contains(FrameQuality.Frozen, health.Quality!.Flags);
        Assert.False(health.Healthy);
        Assert.Equal("scripted", health.Source);
    }

    /// <summary>Triggers, then the camera delivers <paramref name="after"/> 500 ms later (surely after the edge even by arrival).</summary>
    private async Task<EvidenceRecord> TriggerAndPushAsync(RawFrame after)
    {
        var trigger = new TriggerEvent("conveyor-1", TriggerKind.Manual, "test", "test", time.GetUtcNow(), time.GetTimestamp());
        var handled = services.HandleTriggerAsync(trigger, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(500));
        await PushAsync(after);
        var outcome = await handled.WaitAsync(Wait);
        var items = await services.GetRequiredService<EvidenceOutbox>().PeekAsync(10);
        var json = Assert.Single(items, i => i.RecordId == Assert.Single(outcome.RecordIds)).Record;
        Assert.Contains("\"quality\":", System.Text.Encoding.UTF8.GetString(json), StringComparison.Ordinal);
        return EvidenceRecord.FromJson(json);
    }

    private async Task PushAsync(RawFrame frame)
    {
        var next = services.GetRequiredService<CameraRegistry>().Get("cam-1").NextFrameAsync();
        source.Push(frame);
        await next.WaitAsync(Wait);
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        temp.Dispose();
    }

    private sealed class OneSource(IFrameSource source) : IFrameSourceFactory
    {
        public IFrameSource Create(CameraOptions camera) => source;
    }
}
