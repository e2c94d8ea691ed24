using OpenCvSharp;

namespace EdgeAgent.Capture;

/// <summary>
/// Decodes on demand inside the agent: the units from a keyframe up to the wanted picture are written to a private
/// file in memory (<c>/dev/shm</c>, 0600) and read back through OpenCV's bundled FFmpeg (<see cref="VideoCapture"/>),
/// keeping only the last picture. No process is started per photo; under load that start was most of a photo's cost.
/// JPEG, and anything OpenCV cannot open, goes to <paramref name="fallback"/>.
/// </summary>
/// <param name="width">Output width; 0 keeps the stream's own size.</param>
/// <param name="height">Output height; 0 keeps the stream's own size.</param>
public sealed class InProcessGopDecoder(int width, int height, IFrameDecoder fallback) : IFrameDecoder
{
    private const int NThreads = 70; // cv::CAP_PROP_N_THREADS (OpenCV 4.7+), not in OpenCvSharp's enum

    private static readonly string Directory = System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    public async Task<RawFrame> DecodeLastAsync(IReadOnlyList<EncodedUnit> units, CancellationToken cancellationToken = default)
    {
        if (units.Count == 0 || !units[0].Keyframe)
        {
            throw new FrameSourceException("nothing to decode: the units must start at a keyframe");
        }

        var last = units[^1];
        if (!last.IsVideo)
        {
            return await fallback.DecodeLastAsync(units, cancellationToken);
        }

        var path = Path.Combine(Directory, $"edgeagent-gop-{Guid.NewGuid():N}.{(last.Codec == EncodedUnit.H265 ? "hevc" : "h264")}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var file = new FileStream(path, options))
            {
                foreach (var unit in units)
                {
                    await file.WriteAsync(unit.Data, cancellationToken);
                }
            }

            return await Task.Run(() => Decode(path, units.Count, last), cancellationToken) ?? await fallback.DecodeLastAsync(units, cancellationToken);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private RawFrame? Decode(string path, int count, EncodedUnit last)
    {
        // One decoding thread (CAP_PROP_N_THREADS): cameras decode side by side, and a frame-threaded decoder would hold
        // a 1080p picture per thread for nothing.
        using var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG, [NThreads, 1]);
        if (!capture.IsOpened())
        {
            return null;
        }

        using var picture = new Mat();
        var decoded = 0;
        while (decoded < count && capture.Read(picture) && !picture.Empty())
        {
            decoded++;
        }

        if (decoded < count || picture.Type() != MatType.CV_8UC3)
        {
            return null; // fewer pictures than units (a damaged unit): let ffmpeg try, and say why if it cannot
        }

        var (w, h) = width > 0 && height > 0 ? (width, height) : (picture.Width, picture.Height);
        using var resized = (picture.Width, picture.Height) == (w, h) || !picture.IsContinuous() ? null : picture.Resize(new Size(w, h), interpolation: InterpolationFlags.Area);
        var sized = resized ?? picture;
        if (!sized.IsContinuous() || (sized.Width, sized.Height) != (w, h))
        {
            return null;
        }

        var pixels = new byte[w * h * 3];
        System.Runtime.InteropServices.Marshal.Copy(sized.Data, pixels, 0, pixels.Length);
        return new RawFrame(pixels, w, h) { Encoded = last };
    }
}
