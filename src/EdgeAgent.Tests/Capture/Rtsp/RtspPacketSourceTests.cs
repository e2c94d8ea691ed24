using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Capture.Rtsp;
using Xunit.Abstractions;

namespace EdgeAgent.Tests.Capture.Rtsp;

/// <summary>
/// The managed RTSP client against the real RTSP test camera (GStreamer's RTSP server). The ground truth for the camera
/// time is the production time the camera wrote into each picture's pixels, read back by decoding the units with ffmpeg.
/// </summary>
public sealed class RtspPacketSourceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData("h264")]
    [InlineData("h265")]
    public async Task Under_load_every_units_camera_time_is_the_production_time_in_its_pixels(string codec)
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "640x360", codec: codec, gop: 15);
        using var load = new CpuBurner(); // every core busy: the camera time must not depend on when packets are read
        var source = new RtspPacketSource(new RtspSourceSettings(camera.Url), new FfmpegGopDecoder(640, 360), TimeProvider.System, NullLogger.Instance);
        using var timeout = new CancellationTokenSource(Patience);

        var units = new List<RawFrame>();
        await foreach (var frame in source.ReadFramesAsync(timeout.Token))
        {
            if (units.Count > 0 || frame.Encoded!.Keyframe)
            {
                units.Add(frame);
            }

            if (units.Count(u => u.CameraTime is not null) >= 120)
            {
                break;
            }
        }

        Assert.All(units, u => Assert.Equal((codec, 640, 360), (u.Encoded!.Codec, u.Width, u.Height)));
        Assert.True(units.Zip(units.Skip(1)).All(p => p.Second.Encoded!.Pts > p.First.Encoded!.Pts), "pts rise unit by unit");
        var pictures = await DecodeAsync(units.Select(u => u.Encoded!.Data), codec, timeout.Token);
        Assert.Equal(units.Count, pictures.Count); // every unit handed on decodes to one picture
        var errors = units.Zip(pictures)
            .Where(p => p.First.CameraTime is not null)
            .Select(p => (p.First.CameraTime!.Value - DateTimeOffset.FromUnixTimeMilliseconds(FrameClockStripe.Read(p.Second, 640))).TotalMilliseconds)
            .Order().ToList();
        double At(double q) => errors[(int)Math.Round(q * (errors.Count - 1))];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{codec}: camera time - time in the pixels over {errors.Count} units (load average {File.ReadAllText("/proc/loadavg").Trim()}): p50 {At(0.5):0.00} ms, p99 {At(0.99):0.00} ms, min {errors[0]:0.00}, max {errors[^1]:0.00}; {units.Count - errors.Count} units before the first sender report"));
        // The stripe holds whole milliseconds, truncated: a true error of 0 reads as 0 to +1 ms.
        Assert.InRange(At(0.99), -1, 3);
        Assert.InRange(At(0.01), -1, 3);
        Assert.Equal(2, load.Count);
    }

    [Fact]
    public async Task A_camera_that_requires_Digest_is_opened_with_the_user_and_password_in_the_URL()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "320x180", user: "site", password: "s3cret:pw");
        var url = camera.Url.Replace("rtsp://", "rtsp://site:s3cret%3Apw@", StringComparison.Ordinal);
        var logger = new ListLogger<RtspPacketSource>();
        var source = new RtspPacketSource(new RtspSourceSettings(url), new FfmpegGopDecoder(320, 180), TimeProvider.System, logger);
        using var timeout = new CancellationTokenSource(Patience);

        await foreach (var frame in source.ReadFramesAsync(timeout.Token))
        {
            if (frame.Encoded!.Keyframe)
            {
                Assert.Equal((320, 180), (frame.Width, frame.Height));
                break;
            }
        }

        Assert.NotEmpty(logger.Lines);
        Assert.DoesNotContain(logger.Lines, l => l.Message.Contains("s3cret", StringComparison.Ordinal));
        Assert.DoesNotContain("s3cret", source.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_permanently_without_showing_it()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "320x180", user: "site", password: "right");
        var url = camera.Url.Replace("rtsp://", "rtsp://site:wrongpass@", StringComparison.Ordinal);
        var source = new RtspPacketSource(new RtspSourceSettings(url), new FfmpegGopDecoder(320, 180), TimeProvider.System, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<FrameSourceException>(() => FirstAsync(source));

        Assert.True(error.Permanent);
        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrongpass", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_camera_that_requires_a_password_and_got_none_says_where_to_put_it()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "320x180", user: "site", password: "right");
        var source = new RtspPacketSource(new RtspSourceSettings(camera.Url), new FfmpegGopDecoder(320, 180), TimeProvider.System, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<FrameSourceException>(() => FirstAsync(source));

        Assert.True(error.Permanent);
        Assert.Contains("Cameras[].Url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_stream_path_is_refused_permanently_as_not_found()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "320x180");
        var source = new RtspPacketSource(new RtspSourceSettings(camera.Url + "-missing"), new FfmpegGopDecoder(320, 180), TimeProvider.System, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<FrameSourceException>(() => FirstAsync(source));

        Assert.True(error.Permanent);
        Assert.Contains("404", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_MJPEG_camera_without_a_GStreamer_fallback_is_refused_permanently_naming_its_encoding()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "320x180", codec: "mjpeg");
        var source = new RtspPacketSource(new RtspSourceSettings(camera.Url), new FfmpegGopDecoder(320, 180), TimeProvider.System, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<FrameSourceException>(() => FirstAsync(source));

        Assert.True(error.Permanent);
        Assert.Contains("JPEG", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_camera_that_stops_sending_ends_the_stream_with_a_transient_fault()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "320x180");
        var settings = new RtspSourceSettings(camera.Url) { StallTimeout = TimeSpan.FromSeconds(1) };
        var source = new RtspPacketSource(settings, new FfmpegGopDecoder(320, 180), TimeProvider.System, NullLogger.Instance);
        using var timeout = new CancellationTokenSource(Patience);
        var units = 0;

        var error = await Assert.ThrowsAsync<FrameSourceException>(async () =>
        {
            await foreach (var frame in source.ReadFramesAsync(timeout.Token))
            {
                if (++units == 5)
                {
                    await camera.FreezeAsync(); // the TCP connection stays open; no packet comes
                }
            }
        });

        Assert.False(error.Permanent);
        Assert.Contains("no RTP", error.Message, StringComparison.Ordinal);
        Assert.False(timeout.IsCancellationRequested);
    }

    [Fact]
    public async Task The_camera_receives_receiver_reports_that_follow_the_stream()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "320x180", check: true);
        var settings = new RtspSourceSettings(camera.Url) { ReceiverReportInterval = TimeSpan.FromSeconds(1) };
        var source = new RtspPacketSource(settings, new FfmpegGopDecoder(320, 180), TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource(Patience);
        var reading = Task.Run(async () =>
        {
            await foreach (var frame in source.ReadFramesAsync(stop.Token))
            {
            }
        });

        await camera.WaitUntilAsync(c => c.ReceiverReports.Count >= 3, Patience);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);

        var reports = camera.ReceiverReports;
        Assert.Single(reports.Select(r => r.Reporter).Distinct());
        Assert.True(reports[^1].HighestSequence > reports[0].HighestSequence, "the reports do not follow the stream");
        Assert.All(reports, r => Assert.True(r.Lost < 0x800000, $"cumulative loss {r.Lost} is negative")); // received never counted above expected
    }

    [Fact]
    public async Task Authenticated_keepalives_hold_a_short_session_and_stopping_tears_it_down()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "320x180", check: true, user: "site", password: "pw", sessionTimeoutSeconds: 2);
        var url = camera.Url.Replace("rtsp://", "rtsp://site:pw@", StringComparison.Ordinal);
        var source = new RtspPacketSource(new RtspSourceSettings(url), new FfmpegGopDecoder(320, 180), TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource(Patience);
        var units = 0;
        var reading = Task.Run(async () =>
        {
            await foreach (var frame in source.ReadFramesAsync(stop.Token))
            {
                Interlocked.Increment(ref units);
            }
        });

        // The camera lists GET_PARAMETER and announces timeout=2: a keepalive every second, each one accepted.
        await camera.WaitUntilAsync(c => c.Requests.Count(r => r == "GET_PARAMETER") >= 3, Patience);
        var before = Volatile.Read(ref units);
        await camera.WaitUntilAsync(c => c.Requests.Count(r => r == "GET_PARAMETER") >= 5, Patience);
        Assert.False(reading.IsCompleted, reading.Exception?.ToString());
        Assert.True(Volatile.Read(ref units) > before, "the stream stopped while the keepalives went out");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        await camera.WaitUntilAsync(c => c.Requests.Contains("TEARDOWN"), Patience);
    }

    private static async Task<RawFrame> FirstAsync(RtspPacketSource source)
    {
        using var timeout = new CancellationTokenSource(Patience);
        await foreach (var frame in source.ReadFramesAsync(timeout.Token))
        {
            return frame;
        }

        throw new InvalidOperationException("the stream ended without a unit");
    }

    /// <summary>ffmpeg decodes the units as one elementary stream, every picture kept (no frame-rate conversion).</summary>
    private static async Task<List<byte[]>> DecodeAsync(IEnumerable<byte[]> units, string codec, CancellationToken cancellationToken)
    {
        using var state = new TempDirectory();
        var file = Path.Combine(state.Path, "stream." + codec);
        await File.WriteAllBytesAsync(file, [.. units.SelectMany(u => u)], cancellationToken);
        var info = new ProcessStartInfo("ffmpeg", ["-v", "error", "-f", codec == "h265" ? "hevc" : "h264", "-i", file, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        using var pixels = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(pixels, cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.Equal(0, process.ExitCode);
        return [.. pixels.ToArray().Chunk(640 * 360 * 3)];
    }
}
