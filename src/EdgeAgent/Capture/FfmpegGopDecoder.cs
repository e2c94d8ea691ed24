using System.Diagnostics;
using System.Globalization;
using OpenCvSharp;

namespace EdgeAgent.Capture;

/// <summary>
/// Decodes on demand: H.264/H.265 units from a keyframe up to the wanted picture go through one short-lived Debian
/// <c>ffmpeg</c> (the GOP in on stdin, only the last picture out as BGR, scaled to the camera's size); a JPEG is decoded
/// in process by OpenCV, at its own size. Nothing runs between triggers. Cost per photo: process start (~40 ms CPU) plus decoding at
/// most one GOP; streams are assumed to carry no B-frames (site cameras' default), so stream order is display order.
/// </summary>
/// <param name="width">Output width; 0 keeps the stream's own size.</param>
/// <param name="height">Output height; 0 keeps the stream's own size.</param>
public sealed class FfmpegGopDecoder(int width, int height, string ffmpegPath = "ffmpeg") : IFrameDecoder
{
    public async Task<RawFrame> DecodeLastAsync(IReadOnlyList<EncodedUnit> units, CancellationToken cancellationToken = default)
    {
        if (units.Count == 0 || !units[0].Keyframe)
        {
            throw new FrameSourceException("nothing to decode: the units must start at a keyframe");
        }

        var last = units[^1];
        if (last.Codec == EncodedUnit.Jpeg)
        {
            // At the camera's own size, so the photo can be the camera's own bytes (JpegEncoder keeps them).
            var picture = DecodeJpeg(last.Data);
            return picture with { Encoded = last with { Width = picture.Width, Height = picture.Height } };
        }

        var (w, h) = width > 0 && height > 0 ? (width, height) : (last.Width, last.Height);

        if (w <= 0 || h <= 0)
        {
            throw new FrameSourceException("the stream did not say its picture size");
        }

        var info = new ProcessStartInfo(ffmpegPath) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "-hide_banner", "-nostdin", "-loglevel", "error", "-threads", "2", "-f", last.Codec == EncodedUnit.H265 ? "hevc" : "h264", "-i", "pipe:0",
            "-vf", string.Create(CultureInfo.InvariantCulture, $"select=eq(n\\,{units.Count - 1}),scale={w}:{h}"),
            "-frames:v", "1", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1",
        })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = info };
        ChildProcesses.Start(process, ffmpegPath, "ffmpeg");

        using var kill = cancellationToken.Register(() => ChildProcesses.KillQuietly(process));
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var feed = FeedAsync(process, units);
        var pixels = new byte[w * h * 3];
        var read = 0;
        var stdout = process.StandardOutput.BaseStream;
        while (read < pixels.Length && await stdout.ReadAsync(pixels.AsMemory(read), cancellationToken) is var n and > 0)
        {
            read += n;
        }

        await feed;
        await process.WaitForExitAsync(CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested();
        if (read < pixels.Length)
        {
            var said = (await stderr).Trim();
            throw new FrameSourceException($"ffmpeg could not decode the picture ({units.Count} units from the keyframe){(said.Length > 0 ? ": " + FfmpegFrameSource.RedactText(said.Split('\n')[^1]) : "")}");
        }

        return new RawFrame(pixels, w, h) { Encoded = last };
    }

    private static async Task FeedAsync(Process process, IReadOnlyList<EncodedUnit> units)
    {
        try
        {
            var stdin = process.StandardInput.BaseStream;
            foreach (var unit in units)
            {
                await stdin.WriteAsync(unit.Data);
            }

            await stdin.FlushAsync();
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // ffmpeg stopped reading (it had its picture, or failed): the output says which.
        }
    }

    private static RawFrame DecodeJpeg(byte[] jpeg)
    {
        using var decoded = Cv2.ImDecode(jpeg, ImreadModes.Color);
        if (decoded.Empty())
        {
            throw new FrameSourceException("the camera's JPEG does not decode");
        }

        var pixels = new byte[decoded.Width * decoded.Height * 3];
        System.Runtime.InteropServices.Marshal.Copy(decoded.Data, pixels, 0, pixels.Length);
        return new RawFrame(pixels, decoded.Width, decoded.Height);
    }
}
