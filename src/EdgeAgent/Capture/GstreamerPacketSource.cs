using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Capture;

/// <summary>
/// Reads an RTSP stream through GStreamer in a child process (<c>gst_packet_reader.py</c>) without decoding it: each
/// encoded access unit (H.264/H.265 Annex-B, or JPEG) comes with its keyframe flag, pts, size and the camera's
/// capture time from its RTCP sender reports, as <see cref="GstreamerFrameSource"/> dates decoded frames. Pixels are
/// made only on demand, by <see cref="Decoder"/>. The child is killed when enumeration stops; exit code 2 is permanent.
/// </summary>
public sealed partial class GstreamerPacketSource(GstreamerSourceSettings settings, IFrameDecoder decoder, ILogger logger) : IEncodedFrameSource
{
    /// <summary>Bytes before each unit: "EAP1", flags, camera time (Unix ns), pts (ns), width, height, codec, size.</summary>
    public const int HeaderBytes = 40;

    /// <summary>A unit larger than this is an out-of-step stream, not a picture.</summary>
    public const int MaxUnitBytes = 64 * 1024 * 1024;

    public IFrameDecoder Decoder { get; } = decoder;

    public static string DefaultHelperPath => Path.Combine(AppContext.BaseDirectory, "gstreamer", "gst_packet_reader.py");

    public string Describe() => $"gstreamer {CameraUrl.Redact(settings.Url)} (compressed)";

    public async IAsyncEnumerable<RawFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var helper = Path.Combine(Path.GetDirectoryName(settings.HelperPath) ?? "", "gst_packet_reader.py");
        if (!File.Exists(helper))
        {
            throw new FrameSourceException($"GStreamer packet reader '{helper}' is not installed", permanent: true);
        }

        var info = new ProcessStartInfo(settings.PythonPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // the child exits when this closes
            UseShellExecute = false,
        };
        foreach (var arg in new[] { helper, "--url", settings.Url, "--transport", settings.RtspTransport, "--latency-ms", $"{settings.JitterBufferMs}" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = info };
        ChildProcesses.Start(process, settings.PythonPath, "python3-gi");

        var lastError = new StrongBox<string?>();
        var stderr = ChildProcesses.DrainStandardErrorAsync(process, lastError, line => Log.PacketReaderSays(logger, Describe(), line));
        using var kill = cancellationToken.Register(() => ChildProcesses.KillQuietly(process));
        var units = 0L;
        var header = new byte[HeaderBytes];
        try
        {
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

                var (cameraTime, unit, size) = ParseHeader(header);
                var data = GC.AllocateUninitializedArray<byte>(size);
                try
                {
                    await stdout.ReadExactlyAsync(data, cancellationToken);
                }
                catch (EndOfStreamException)
                {
                    break;
                }

                units++;
                yield return RawFrame.Of(unit with { Data = data }, cameraTime);
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
            units == 0
                ? $"GStreamer packet reader exited with code {process.ExitCode} before the first unit{said}"
                : $"stream ended after {units} units (GStreamer packet reader exit code {process.ExitCode}){said}",
            permanent: process.ExitCode == GstreamerFrameSource.MissingDependencyExitCode);
    }

    /// <summary>The camera time (null when not known yet), the unit without its bytes, and the byte count.</summary>
    internal static (DateTimeOffset? CameraTime, EncodedUnit Unit, int Size) ParseHeader(ReadOnlySpan<byte> header)
    {
        if (!header[..4].SequenceEqual("EAP1"u8))
        {
            throw new FrameSourceException("GStreamer packet reader output is out of step (no unit header)");
        }

        var flags = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        var cameraNs = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        var pts = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        var width = BinaryPrimitives.ReadInt32LittleEndian(header[24..]);
        var height = BinaryPrimitives.ReadInt32LittleEndian(header[28..]);
        var codec = System.Text.Encoding.ASCII.GetString(header[32..36]);
        var size = BinaryPrimitives.ReadInt32LittleEndian(header[36..]);
        if (size is < 0 or > MaxUnitBytes || codec is not (EncodedUnit.H264 or EncodedUnit.H265 or EncodedUnit.Jpeg))
        {
            throw new FrameSourceException($"GStreamer packet reader output is out of step (codec '{codec}', {size} bytes)");
        }

        var cameraTime = (flags & 1) == 1 ? DateTimeOffset.UnixEpoch.AddTicks(cameraNs / 100) : (DateTimeOffset?)null;
        return (cameraTime, new EncodedUnit([], codec, (flags & 2) == 2, pts, width, height), size);
    }
}
