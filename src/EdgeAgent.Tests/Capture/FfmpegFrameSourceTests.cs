using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeAgent.Demo;

namespace EdgeAgent.Tests.Capture;

public sealed class FfmpegFrameSourceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static readonly CameraReaderSettings FastRetry = new()
    {
        HangTimeout = TimeSpan.FromSeconds(8),
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
        FailingAfter = 3,
    };

    [Fact]
    public async Task Generated_video_file_is_decoded_to_frames_of_the_configured_size()
    {
        using var temp = new TempDirectory();
        var clip = Path.Combine(temp.Path, "clip.mkv");
        await RunFfmpegAsync("-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "2", "-c:v", "mpeg4", "-q:v", "4", clip);
        var source = new FfmpegFrameSource(new FfmpegSourceSettings(clip, 160, 120), NullLogger.Instance);
        await using var reader = new CameraReader("file-1", source, TimeProvider.System, NullLogger.Instance, FastRetry);
        reader.Start();

        var first = await reader.NextFrameAsync().WaitAsync(Wait);
        var later = await reader.CaptureAsync(first.Timestamp + 1, Wait).WaitAsync(Wait);

        Assert.Equal(CameraState.Connected, reader.State);
        Assert.Equal((160, 120), (later.Width, later.Height));
        Assert.Equal(160 * 120 * 3, later.Image.Pixels.Length);
        Assert.True(later.Sequence > first.Sequence);
        Assert.True(StandardDeviation(later.Image.Pixels) > 30, "the test pattern has colour bars, not a blank picture");
    }

    [Fact]
    public async Task Jittery_timestamps_give_one_output_frame_per_input_frame_and_no_repeats()
    {
        // A camera that says 15 fps but delivers late every other frame (timestamps N + N/4 intervals): at constant
        // frame rate, ffmpeg fills the gaps with copies of the previous frame.
        using var temp = new TempDirectory();
        var clip = Path.Combine(temp.Path, "jittery.mkv");
        await RunFfmpegAsync(
            "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=15", "-frames:v", "60", "-vf", "settb=1/1000,setpts=(N+0.5*floor(N/2))/(15*TB)",
            "-fps_mode", "passthrough", "-enc_time_base", "1/1000", "-c:v", "mjpeg", "-q:v", "3", clip);
        var constantRate = Repeats(await DecodeAllAsync(clip));
        Assert.True(constantRate > 5, $"the clip is jittery enough that constant frame rate repeats frames ({constantRate} repeats)");

        var source = new FfmpegFrameSource(new FfmpegSourceSettings(clip, 160, 120), NullLogger.Instance);
        var frames = new List<byte[]>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var frame in source.ReadFramesAsync(stop.Token))
        {
            frames.Add(frame.Pixels);
            if (frames.Count == 60)
            {
                break;
            }
        }

        Assert.Equal(0, Repeats(frames));
    }

    private static int Repeats(List<byte[]> frames) => frames.Zip(frames.Skip(1)).Count(p => p.First.AsSpan().SequenceEqual(p.Second));

    /// <summary>Decodes a whole file the way ffmpeg does by default for raw video (constant frame rate).</summary>
    private static async Task<List<byte[]>> DecodeAllAsync(string clip)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-hide_banner", "-nostdin", "-loglevel", "error", "-i", clip, "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var all = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(all);
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await stderr);
        var bytes = all.ToArray();
        const int size = 160 * 120 * 3;
        return [.. Enumerable.Range(0, bytes.Length / size).Select(i => bytes[(i * size)..((i + 1) * size)])];
    }

    [Fact]
    public async Task Http_mjpeg_stream_that_stops_is_reported_and_reconnected_when_it_comes_back()
    {
        var port = InProcessBroker.FreeTcpPort();
        var server = await FfmpegMjpegServer.StartAsync(port);
        var source = new FfmpegFrameSource(new FfmpegSourceSettings(server.Url, 320, 240), NullLogger.Instance);
        await using var reader = new CameraReader("ip-1", source, TimeProvider.System, NullLogger.Instance, FastRetry);
        try
        {
            reader.Start();
            var beforeLoss = await reader.NextFrameAsync().WaitAsync(Wait);
            Assert.Equal(CameraState.Connected, reader.State);

            var reconnecting = reader.WaitForStatusAsync(s => s.State == CameraState.Reconnecting);
            var failing = reader.WaitForStatusAsync(s => s.State == CameraState.Failing);
            server.Kill();
            var lost = await reconnecting.WaitAsync(Wait);
            Assert.Contains("stream ended", lost.Reason, StringComparison.Ordinal);

            // Down for good: after a few refused attempts the state says failing, and why.
            var down = await failing.WaitAsync(Wait);
            Assert.Contains("refused", down.Reason, StringComparison.OrdinalIgnoreCase);

            await server.DisposeAsync();
            server = await FfmpegMjpegServer.StartAsync(port);
            var back = await reader.WaitForStatusAsync(s => s.State == CameraState.Connected).WaitAsync(Wait);
            var afterReturn = await reader.NextFrameAsync().WaitAsync(Wait);

            Assert.Null(back.Reason);
            Assert.True(back.Restarts >= 3);
            Assert.True(afterReturn.Sequence > beforeLoss.Sequence);
        }
        finally
        {
            await reader.DisposeAsync();
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Ffmpeg_child_that_hangs_without_frames_is_killed_and_restarted()
    {
        // A "camera" that accepts the connection and never answers: ffmpeg would wait forever.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/stream";
        var time = new FakeTimeProvider();
        var settings = FastRetry with { HangTimeout = TimeSpan.FromSeconds(5) };
        var source = new FfmpegFrameSource(new FfmpegSourceSettings(url, 320, 240), NullLogger.Instance);
        await using var reader = new CameraReader("ip-2", source, time, NullLogger.Instance, settings);
        reader.Start();

        using var first = await silent.AcceptTcpClientAsync().WaitAsync(Wait);
        var hung = reader.WaitForStatusAsync(s => s.State == CameraState.Reconnecting);
        time.Advance(settings.HangTimeout);

        var status = await hung.WaitAsync(Wait);
        Assert.Contains("no frame for 5 s", status.Reason, StringComparison.Ordinal);
        var buffer = new byte[4096];
        var stream = first.GetStream();
        while (await stream.ReadAsync(buffer).AsTask().WaitAsync(Wait) > 0)
        {
            // drain the HTTP request; 0 means ffmpeg's end of the connection is gone: the child was killed
        }

        time.Advance(settings.InitialBackoff);
        using var second = await silent.AcceptTcpClientAsync().WaitAsync(Wait);
        Assert.True(second.Connected);
        Assert.Equal(1, reader.Status.Restarts);
    }

    [Fact]
    public void Credentials_never_reach_descriptions_or_logged_ffmpeg_lines()
    {
        var source = new FfmpegFrameSource(new FfmpegSourceSettings("rtsp://admin:s3cret@10.0.0.5/stream1", 640, 360), NullLogger.Instance);

        Assert.DoesNotContain("s3cret", source.Describe(), StringComparison.Ordinal);
        Assert.Equal("[tcp @ 0x1] rtsp://***@10.0.0.5/stream1: Connection refused", FfmpegFrameSource.RedactText("[tcp @ 0x1] rtsp://admin:s3cret@10.0.0.5/stream1: Connection refused"));
    }

    [Theory]
    [InlineData("tcp", null, "-rtsp_transport tcp -i")]
    [InlineData("udp", "vaapi", "-rtsp_transport udp -buffer_size 4194304 -hwaccel vaapi -i")]
    public void Rtsp_transport_and_hardware_decoding_reach_the_ffmpeg_command_line(string transport, string? hwaccel, string expected)
    {
        var info = FfmpegFrameSource.BuildStartInfo(new FfmpegSourceSettings("rtsp://10.0.0.5/s", 640, 360) { RtspTransport = transport, HardwareAcceleration = hwaccel });

        Assert.Contains(expected, string.Join(' ', info.ArgumentList), StringComparison.Ordinal);
    }

    private static double StandardDeviation(byte[] pixels)
    {
        var mean = pixels.Average(p => (double)p);
        return Math.Sqrt(pixels.Average(p => (p - mean) * (p - mean)));
    }

    private static async Task RunFfmpegAsync(params string[] args)
    {
        var info = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var arg in new[] { "-hide_banner", "-nostdin", "-loglevel", "error", "-y" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, errors);
    }
}
