using EdgeAgent.Capture;
using OpenCvSharp;

namespace EdgeAgent.Central.Reporting;

/// <summary>Makes small JPEG thumbnails with OpenCV and says whether a frame is blank.</summary>
public static class Thumbnailer
{
    public const int Width = 320;

    /// <summary>Below this grey-level standard deviation a frame is treated as blank (lens covered, camera dark).</summary>
    public const double BlankContrast = 2.0;

    /// <summary>Writes a thumbnail of <paramref name="frame"/>.</summary>
    public static void Write(RawFrame frame, string thumbnailPath)
    {
        using var image = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels);
        var height = Math.Max(1, (int)Math.Round((double)image.Height * Width / image.Width));
        using var small = new Mat();
        Cv2.Resize(image, small, new Size(Math.Min(Width, image.Width), image.Width <= Width ? image.Height : height), interpolation: InterpolationFlags.Area);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(thumbnailPath))!);
        Cv2.ImWrite(thumbnailPath, small, new ImageEncodingParam(ImwriteFlags.JpegQuality, 80));
    }

    /// <summary>Whether the frame has next to no contrast (measured on the original, not the stamp).</summary>
    public static bool IsBlank(RawFrame frame)
    {
        using var image = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels);
        using var grey = new Mat();
        Cv2.CvtColor(image, grey, ColorConversionCodes.BGR2GRAY);
        Cv2.MeanStdDev(grey, out _, out var deviation);
        return deviation.Val0 < BlankContrast;
    }
}
