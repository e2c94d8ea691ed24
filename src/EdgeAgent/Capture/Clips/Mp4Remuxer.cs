using System.Buffers.Binary;
using System.Diagnostics;

namespace EdgeAgent.Capture.Clips;

/// <summary>
/// Remuxes a run of H.264/H.265 units (a keyframe first) to a faststart MP4 through a short-lived GStreamer child
/// (<c>gst_clip_muxer.py</c>: appsrc ! parse ! mp4mux): the units' bytes go in unchanged, each with its presentation
/// time (the stream's pts when every unit has one, else its production time). The file is written in a private
/// directory under the state directory and deleted once read.
/// </summary>
public sealed class Mp4Remuxer(string stateDirectory)
{
    public string PythonPath { get; init; } = "/usr/bin/python3";

    public string HelperPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "gstreamer", "gst_clip_muxer.py");

    public async Task<byte[]> RemuxAsync(IReadOnlyList<(EncodedUnit Unit, DateTimeOffset ProducedAt)> units, CancellationToken cancellationToken = default)
    {
        if (units.Count == 0 || !units[0].Unit.Keyframe)
        {
            throw new ArgumentException("a clip starts at a keyframe", nameof(units));
        }

        var directory = Path.Combine(stateDirectory, "clips-tmp");
        Platform.StateFiles.CreateDirectory(directory);
        var output = Path.Combine(directory, $"{Guid.NewGuid():N}.mp4");
        var info = new ProcessStartInfo(PythonPath) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { HelperPath, "--codec", units[0].Unit.Codec, "--out", output })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot run {PythonPath}");
        try
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            var usePts = units.All(u => u.Unit.Pts >= 0) && units.Zip(units.Skip(1)).All(p => p.Second.Unit.Pts > p.First.Unit.Pts);
            var header = new byte[16];
            var stdin = process.StandardInput.BaseStream;
            foreach (var (unit, producedAt) in units)
            {
                var pts = usePts ? unit.Pts - units[0].Unit.Pts : (producedAt - units[0].ProducedAt).Ticks * 100;
                BinaryPrimitives.WriteInt64LittleEndian(header, Math.Max(0, pts));
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), unit.Keyframe ? 1 : 0);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), unit.Data.Length);
                await stdin.WriteAsync(header, cancellationToken);
                await stdin.WriteAsync(unit.Data, cancellationToken);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken);
            var said = (await stderr).Trim();
            if (process.ExitCode != 0 || !File.Exists(output))
            {
                throw new InvalidOperationException($"the clip muxer failed (exit code {process.ExitCode}){(said.Length > 0 ? ": " + said.Split('\n')[^1] : "")}");
            }

            return await File.ReadAllBytesAsync(output, cancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            File.Delete(output);
            File.Delete(output + ".moov");
        }
    }
}
