using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Capture;

/// <summary>
/// Decodes an RTSP stream through GStreamer in a child process (<c>gst_frame_reader.py</c>, python3-gi) that
/// tells, per frame, when the camera captured it by the camera's own clock: rtspsrc maps each RTP timestamp to
/// the camera's NTP time from its RTCP sender reports (<c>add-reference-timestamp-meta</c>). Sets
/// <see cref="RawFrame.CameraTime"/>; frames before the first sender report have none. The child is killed when
/// enumeration stops. Exit code 2 (python3-gi or a GStreamer element missing) is permanent.
/// </summary>
public sealed partial class GstreamerFrameSource(GstreamerSourceSettings settings, ILogger logger) : IFrameSource
{
    /// <summary>Bytes before each frame's pixels: "EAF1", flags, camera time (Unix ns), pts (ns), width, height.</summary>
    public const int HeaderBytes = 32;

    public const int MissingDependencyExitCode = 2;

    public string Describe() => $"gstreamer {CameraUrl.Redact(settings.Url)} -> {settings.Width}x{settings.Height}";

    public async IAsyncEnumerable<RawFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!File.Exists(settings.HelperPath))
        {
            throw new FrameSourceException($"GStreamer frame reader '{settings.HelperPath}' is not installed", permanent: true);
        }

        using var process = new Process { StartInfo = BuildStartInfo(settings) };
        ChildProcesses.Start(process, settings.PythonPath, "python3-gi");

        var lastError = new StrongBox<string?>();
        var stderr = ChildProcesses.DrainStandardErrorAsync(process, lastError, line => Log.ReaderSays(logger, Describe(), line));
        using var kill = cancellationToken.Register(() => ChildProcesses.KillQuietly(process));
        var frames = 0L;
        var pool = new FrameBufferPool();
        var header = new byte[HeaderBytes];
        try
        {
            var frameBytes = settings.Width * settings.Height * 3;
            var stdout = process.StandardOutput.BaseStream;
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await stdout.ReadExactlyAsync(header, cancellationToken);
                }
                catch (EndOfStreamException)
                {
                    break;
                }

                var cameraTime = ParseHeader(header, settings.Width, settings.Height);
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
                yield return new RawFrame(pixels, settings.Width, settings.Height) { Pool = pool, CameraTime = cameraTime };
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
        throw new FrameSourceException(
            frames == 0
                ? $"GStreamer reader exited with code {process.ExitCode} before the first frame{said}"
                : $"stream ended after {frames} frames (GStreamer reader exit code {process.ExitCode}){said}",
            permanent: process.ExitCode == MissingDependencyExitCode);
    }

    /// <summary>The camera time in a frame header, or null when the reader has none (no sender report yet).</summary>
    internal static DateTimeOffset? ParseHeader(ReadOnlySpan<byte> header, int width, int height)
    {
        if (!header[..4].SequenceEqual("EAF1"u8))
        {
            throw new FrameSourceException("GStreamer reader output is out of step (no frame header)");
        }

        var flags = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        var cameraNs = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        var w = BinaryPrimitives.ReadInt32LittleEndian(header[24..]);
        var h = BinaryPrimitives.ReadInt32LittleEndian(header[28..]);
        if (w != width || h != height)
        {
            throw new FrameSourceException($"GStreamer reader sent {w}x{h} frames, expected {width}x{height}", permanent: true);
        }

        return (flags & 1) == 1 ? DateTimeOffset.UnixEpoch.AddTicks(cameraNs / 100) : null;
    }

    internal static ProcessStartInfo BuildStartInfo(GstreamerSourceSettings settings)
    {
        var info = new ProcessStartInfo(settings.PythonPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // the child exits when this closes
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            settings.HelperPath, "--url", settings.Url, "--width", $"{settings.Width}", "--height", $"{settings.Height}",
            "--transport", settings.RtspTransport, "--latency-ms", $"{settings.JitterBufferMs}",
        })
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }
}

/// <summary>Part of the folder's log messages (all of them: see docs/operations.md "Log event ids").</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "Camera {Source}: GStreamer reader says: {Line}")]
    public static partial void ReaderSays(ILogger logger, string source, string line);
}
