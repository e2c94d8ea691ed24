namespace EdgeAgent.Tests.Capture;

public sealed class GstreamerFrameSourceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("h264")]
    [InlineData("h265")]
    public async Task Frames_carry_the_cameras_capture_time_once_a_sender_report_arrived(string codec)
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "640x360", codec: codec);
        var source = new GstreamerFrameSource(new GstreamerSourceSettings(camera.Url, 640, 360), NullLogger.Instance);
        using var stop = new CancellationTokenSource(Patience);
        var errorsMs = new List<double>();
        var withoutCameraTime = 0;
        await foreach (var frame in source.ReadFramesAsync(stop.Token))
        {
            Assert.Equal((640, 360), (frame.Width, frame.Height));
            if (frame.CameraTime is not { } cameraTime)
            {
                Assert.Empty(errorsMs); // once the camera's clock is known, every frame has it
                withoutCameraTime++;
                continue;
            }

            var stripe = DateTimeOffset.FromUnixTimeMilliseconds(FrameClockStripe.Read(frame.Pixels, frame.Width));
            errorsMs.Add((cameraTime - stripe).TotalMilliseconds);
            if (errorsMs.Count == 30)
            {
                break;
            }
        }

        Assert.Equal(30, errorsMs.Count);
        Assert.All(errorsMs, e => Assert.InRange(e, -2, 5));
        Assert.True(withoutCameraTime < 300, $"{withoutCameraTime} frames came before the first sender report");
    }

    [Fact]
    public async Task A_camera_that_goes_away_is_reconnected_and_dated_by_its_clock_again()
    {
        var camera = await RtspTestCamera.StartAsync(size: "640x360");
        var source = new GstreamerFrameSource(new GstreamerSourceSettings(camera.Url, 640, 360), NullLogger.Instance);
        var settings = new CameraReaderSettings { InitialBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromSeconds(1), HangTimeout = TimeSpan.FromSeconds(15) };
        await using var reader = new CameraReader("cam-1", source, TimeProvider.System, NullLogger.Instance, settings);
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            reader.Start();
            await WaitForCameraClockAsync(reader, timeout.Token);
            var lost = reader.WaitForStatusAsync(s => s.State != CameraState.Connected, timeout.Token);
            await camera.DisposeAsync();
            var down = await lost;

            camera = await RtspTestCamera.StartAsync(size: "640x360", port: camera.Port);
            var back = await reader.WaitForStatusAsync(s => s.State == CameraState.Connected, timeout.Token);
            var sequenceBack = reader.Latest!.Sequence;
            var frame = await WaitForCameraClockAsync(reader, timeout.Token);

            Assert.NotNull(down.Reason);
            Assert.True(back.Restarts >= 1);
            Assert.True(frame.Sequence > sequenceBack);
            var stripe = DateTimeOffset.FromUnixTimeMilliseconds(FrameClockStripe.Read(frame.Image.Pixels, frame.Width));
            Assert.InRange((frame.ProducedAt - stripe).TotalMilliseconds, -2, 5);
        }
        finally
        {
            await camera.DisposeAsync();
        }
    }

    private static async Task<Frame> WaitForCameraClockAsync(CameraReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            await reader.NextFrameAsync(cancellationToken);
            if (reader.Snapshot() is { ProducedBasis: ProducedBasis.CameraClock } frame)
            {
                return frame;
            }
        }
    }

    [Fact]
    public async Task A_missing_reader_script_is_a_permanent_failure()
    {
        var source = new GstreamerFrameSource(new GstreamerSourceSettings("rtsp://127.0.0.1:1/none", 64, 48) { HelperPath = "/nonexistent/gst_frame_reader.py" }, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<FrameSourceException>(async () =>
        {
            await foreach (var _ in source.ReadFramesAsync())
            {
            }
        });

        Assert.True(error.Permanent);
        Assert.Contains("/nonexistent/gst_frame_reader.py", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_backend_falls_back_to_ffmpeg_when_gstreamer_cannot_be_used()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "640x360");
        var gstreamer = new GstreamerFrameSource(new GstreamerSourceSettings(camera.Url, 640, 360) { HelperPath = "/nonexistent/gst_frame_reader.py" }, NullLogger.Instance);
        var ffmpeg = new FfmpegFrameSource(new FfmpegSourceSettings(camera.Url, 640, 360), NullLogger.Instance);
        var source = new FallbackFrameSource(gstreamer, ffmpeg, NullLogger.Instance);
        using var stop = new CancellationTokenSource(Patience);
        var frames = 0;

        await foreach (var frame in source.ReadFramesAsync(stop.Token))
        {
            Assert.Null(frame.CameraTime);
            var stripe = DateTimeOffset.FromUnixTimeMilliseconds(FrameClockStripe.Read(frame.Pixels, frame.Width));
            Assert.InRange(DateTimeOffset.UtcNow - stripe, TimeSpan.Zero, TimeSpan.FromSeconds(30));
            if (++frames == 5)
            {
                break;
            }
        }

        Assert.Equal(5, frames);
        Assert.StartsWith("ffmpeg", source.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Header_with_the_camera_time_flag_gives_the_time_and_without_it_none()
    {
        var header = new byte[GstreamerFrameSource.HeaderBytes];
        "EAF1"u8.CopyTo(header);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), 1_767_600_000_123_456_789);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), 64);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), 48);
        Assert.Null(GstreamerFrameSource.ParseHeader(header, 64, 48));

        header[4] = 1;
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_767_600_000_123).AddTicks(4567), GstreamerFrameSource.ParseHeader(header, 64, 48));
        Assert.Throws<FrameSourceException>(() => GstreamerFrameSource.ParseHeader(header, 640, 480));
    }
}
