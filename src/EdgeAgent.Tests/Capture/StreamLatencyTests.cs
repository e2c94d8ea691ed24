namespace EdgeAgent.Tests.Capture;

/// <summary>The precedence that dates a frame: camera clock, then measured latency, then configured latency, then arrival.</summary>
public sealed class StreamLatencyTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-05T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(66);

    [Fact]
    public void A_camera_time_with_a_plausible_latency_is_when_the_frame_was_produced()
    {
        var time = new FakeTimeProvider(Start);
        var latency = new StreamLatency(new CameraReaderSettings { ConfiguredLatency = TimeSpan.FromMilliseconds(300) });

        var (producedAt, basis) = latency.Estimate(time.GetUtcNow(), time.GetUtcNow() - TimeSpan.FromMilliseconds(85));

        Assert.Equal(ProducedBasis.CameraClock, basis);
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromMilliseconds(85), producedAt);
        Assert.Equal(85, latency.Reading.LatencyMs);
    }

    [Fact]
    public void A_frame_without_camera_time_is_dated_by_the_latency_measured_on_earlier_frames()
    {
        var time = new FakeTimeProvider(Start);
        var latency = new StreamLatency(new CameraReaderSettings { ConfiguredLatency = TimeSpan.FromMilliseconds(300) });
        foreach (var ms in new[] { 70, 90, 80, 75, 85 })
        {
            latency.Estimate(time.GetUtcNow(), time.GetUtcNow() - TimeSpan.FromMilliseconds(ms));
            time.Advance(Interval);
        }

        var (producedAt, basis) = latency.Estimate(time.GetUtcNow(), cameraTime: null);

        Assert.Equal(ProducedBasis.MeasuredLatency, basis);
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromMilliseconds(80), producedAt);
        Assert.Equal(new StreamLatencyReading(ProducedBasis.MeasuredLatency, 80, 90, 5, 0), latency.Reading);
    }

    [Fact]
    public void A_camera_clock_far_behind_is_not_trusted_and_the_configured_latency_is_used()
    {
        var time = new FakeTimeProvider(Start);
        var latency = new StreamLatency(new CameraReaderSettings { ConfiguredLatency = TimeSpan.FromMilliseconds(120) });

        var (producedAt, basis) = latency.Estimate(time.GetUtcNow(), time.GetUtcNow() - TimeSpan.FromSeconds(30));

        Assert.Equal(ProducedBasis.ConfiguredLatency, basis);
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromMilliseconds(120), producedAt);
        Assert.Equal(1, latency.Reading.RejectedCameraTimes);
        Assert.Equal(0, latency.Reading.Samples);
        Assert.Equal(120, latency.Reading.LatencyMs);
    }

    [Fact]
    public void A_camera_time_after_the_arrival_is_not_trusted()
    {
        var time = new FakeTimeProvider(Start);
        var latency = new StreamLatency(new CameraReaderSettings());

        var (producedAt, basis) = latency.Estimate(time.GetUtcNow(), time.GetUtcNow() + TimeSpan.FromMilliseconds(400));

        Assert.Equal(ProducedBasis.Arrival, basis);
        Assert.Equal(time.GetUtcNow(), producedAt);
        Assert.Equal(1, latency.Reading.RejectedCameraTimes);
    }

    [Fact]
    public void A_camera_clock_slightly_ahead_within_the_tolerance_is_trusted()
    {
        var time = new FakeTimeProvider(Start);
        var latency = new StreamLatency(new CameraReaderSettings());

        var (_, basis) = latency.Estimate(time.GetUtcNow(), time.GetUtcNow() + TimeSpan.FromMilliseconds(20));

        Assert.Equal(ProducedBasis.CameraClock, basis);
    }

    [Fact]
    public void Without_camera_time_or_a_configured_latency_the_arrival_is_all_there_is()
    {
        var time = new FakeTimeProvider(Start);
        var latency = new StreamLatency(new CameraReaderSettings());

        var (producedAt, basis) = latency.Estimate(time.GetUtcNow(), cameraTime: null);

        Assert.Equal(ProducedBasis.Arrival, basis);
        Assert.Equal(time.GetUtcNow(), producedAt);
        Assert.Null(latency.Reading.LatencyMs);
        Assert.Equal("arrival", latency.Reading.BasisName);
    }

    [Fact]
    public void The_reading_keeps_the_median_and_p95_of_the_last_window_of_frames()
    {
        var time = new FakeTimeProvider(Start);
        var latency = new StreamLatency(new CameraReaderSettings());
        for (var i = 0; i < StreamLatency.Window; i++)
        {
            latency.Estimate(time.GetUtcNow(), time.GetUtcNow() - TimeSpan.FromMilliseconds(1000)); // pushed out of the window below
            time.Advance(Interval);
        }

        for (var ms = 1; ms <= StreamLatency.Window; ms++)
        {
            latency.Estimate(time.GetUtcNow(), time.GetUtcNow() - TimeSpan.FromMilliseconds(ms));
            time.Advance(Interval);
        }

        var reading = latency.Reading;
        Assert.Equal(StreamLatency.Window, reading.Samples);
        Assert.InRange(reading.LatencyMs!.Value, 74, 77);
        Assert.InRange(reading.P95Ms!.Value, 141, 144);
        Assert.Equal("camera-clock", reading.BasisName);
    }

    [Fact]
    public async Task The_reader_dates_frames_by_the_camera_clock_and_reports_the_latency_in_its_status()
    {
        var time = new FakeTimeProvider(Start);
        var source = new ScriptedFrameSource();
        await using var reader = new CameraReader("cam-1", source, time, NullLogger.Instance, new CameraReaderSettings { ConfiguredLatency = TimeSpan.FromMilliseconds(500) });
        reader.Start();
        await source.WaitOpenedAsync(1);

        var beforeReport = await PushAsync(reader, source, cameraTime: null);
        time.Advance(Interval);
        var dated = await PushAsync(reader, source, time.GetUtcNow() - TimeSpan.FromMilliseconds(60));
        time.Advance(Interval);
        var reportLost = await PushAsync(reader, source, cameraTime: null);

        Assert.Equal((ProducedBasis.ConfiguredLatency, beforeReport.ArrivedAt - TimeSpan.FromMilliseconds(500)), (beforeReport.ProducedBasis, beforeReport.ProducedAt));
        Assert.Equal((ProducedBasis.CameraClock, dated.ArrivedAt - TimeSpan.FromMilliseconds(60)), (dated.ProducedBasis, dated.ProducedAt));
        Assert.Equal((ProducedBasis.MeasuredLatency, reportLost.ArrivedAt - TimeSpan.FromMilliseconds(60)), (reportLost.ProducedBasis, reportLost.ProducedAt));
        Assert.Equal(new StreamLatencyReading(ProducedBasis.MeasuredLatency, 60, 60, 1, 0), reader.Status.Latency);
    }

    private static async Task<Frame> PushAsync(CameraReader reader, ScriptedFrameSource source, DateTimeOffset? cameraTime)
    {
        var next = reader.NextFrameAsync();
        source.Push(new RawFrame(new byte[128 * 32 * 3], 128, 32) { CameraTime = cameraTime });
        return await next.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
