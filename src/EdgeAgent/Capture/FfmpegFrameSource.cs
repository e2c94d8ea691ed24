using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Capture;

/// <summary>
/// Runs Debian's <c>ffmpeg</c> as a child process that decodes a network stream or a file to raw BGR24
/// frames on its stdout. OpenCvSharp's bundled FFmpeg cannot open network streams, so this is the path
/// for RTSP, HTTP and MJPEG cameras. The child is killed when enumeration stops.
/// </summary>
public sealed partial class FfmpegFrameSource(FfmpegSourceSettings settings, ILogger logger) : IFrameSource
{
    public string Describe() => $"ffmpeg {CameraUrl.Redact(settings.Url)} -> {settings.Width}x{settings.Height}";

    public async IAsyncEnumerable<RawFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var process = new Process { StartInfo = BuildStartInfo(settings) };
        ChildProcesses.Start(process, settings.FfmpegPath, "ffmpeg");

        var lastError = new StrongBox<string?>();
        var stderr = ChildProcesses.DrainStandardErrorAsync(process, lastError, line => Log.FfmpegError(logger, Describe(), line));
        // A hang watchdog cancels us while a read is blocked on the pipe: killing the child ends that read.
        using var kill = cancellationToken.Register(() => ChildProcesses.KillQuietly(process));
        var frames = 0L;
        var pool = new FrameBufferPool();
        try
        {
            var frameBytes = settings.Width * settings.Height * 3;
            var stdout = process.StandardOutput.BaseStream;
            while (!cancellationToken.IsCancellationRequested)
            {
                var pixels = pool.Rent(frameBytes);
                try
                {
                    await stdout.ReadExactlyAsync(pixels, cancellationToken);
                }
                catch (EndOfStreamException)
                {
                    pool.Return(pixels);
                    break;
                }

                frames++;
                yield return new RawFrame(pixels, settings.Width, settings.Height) { Pool = pool };
            }
        }
        finally
        {
            ChildProcesses.KillQuietly(process);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await stderr;
        var said = lastError.Value is { } line ? $": {line}" : "";
        throw new FrameSourceException(frames == 0
            ? $"ffmpeg exited with code {process.ExitCode} before the first frame{said}"
            : $"stream ended after {frames} frames (ffmpeg exit code {process.ExitCode}){said}");
    }

    internal static ProcessStartInfo BuildStartInfo(FfmpegSourceSettings settings)
    {
        var info = new ProcessStartInfo(settings.FfmpegPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        var args = info.ArgumentList;
        foreach (var a in new[] { "-hide_banner", "-nostdin", "-loglevel", "error" })
        {
            args.Add(a);
        }

        var isFile = !settings.Url.Contains("://", StringComparison.Ordinal);
        if (isFile)
        {
            // Replay a file at its native rate, over and over, like a live camera.
            args.Add("-re");
            args.Add("-stream_loop");
            args.Add("-1");
        }
        else
        {
            // Keep decoder latency low: no input buffering beyond what decoding needs.
            args.Add("-fflags");
            args.Add("nobuffer");
            args.Add("-flags");
            args.Add("low_delay");
        }

        // Frame-threaded decoding holds back (threads - 1) frames; slice threading keeps parallelism without that delay.
        args.Add("-thread_type");
        args.Add("slice");

        if (settings.Url.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase))
        {
            args.Add("-rtsp_transport");
            args.Add(settings.RtspTransport);
        }

        if (settings.Url.StartsWith("udp", StringComparison.OrdinalIgnoreCase) || settings.RtspTransport == "udp")
        {
            // Lost UDP packets smear the picture; a bigger buffer loses fewer of them.
            args.Add("-buffer_size");
            args.Add("4194304");
        }

        if (!string.IsNullOrEmpty(settings.HardwareAcceleration))
        {
            args.Add("-hwaccel");
            args.Add(settings.HardwareAcceleration);
        }

        args.Add("-i");
        args.Add(settings.Url);
        args.Add("-an");
        args.Add("-vf");
        args.Add($"scale={settings.Width}:{settings.Height}");
        // One output frame per decoded frame: rawvideo defaults to constant frame rate, which duplicates frames when the
        // camera's timestamps jitter (and a run of duplicates looks like a frozen camera). The input's time base keeps
        // close timestamps apart, so the muxer never sees two frames at one time.
        args.Add("-fps_mode");
        args.Add("passthrough");
        args.Add("-enc_time_base");
        args.Add("-1");
        // Without this the tail of each frame waits in ffmpeg's output buffer until the next frame: +1 frame of latency.
        args.Add("-flush_packets");
        args.Add("1");
        args.Add("-f");
        args.Add("rawvideo");
        args.Add("-pix_fmt");
        args.Add("bgr24");
        args.Add("pipe:1");
        return info;
    }

    /// <summary>Removes user:password from any URL inside a line of ffmpeg output.</summary>
    public static string RedactText(string text) => Credentials().Replace(text, "://***@");

    [System.Text.RegularExpressions.GeneratedRegex(@"://[^/@\s]+@")]
    private static partial System.Text.RegularExpressions.Regex Credentials();
}

/// <summary>Part of the folder's log messages (all of them: see docs/operations.md "Log event ids").</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Camera {Source}: ffmpeg says: {Line}")]
    public static partial void FfmpegError(ILogger logger, string source, string line);
}
