using OpenCvSharp;

namespace EdgeAgent.Reporting;

/// <summary>Makes small JPEG thumbnails with OpenCV and says what is wrong with a photo, if anything.</summary>
public static class Thumbnailer
{
    public const int Width = 320;

    /// <summary>Below this grey-level standard deviation a frame is treated as blank (lens covered, camera dark).</summary>
    public const double BlankContrast = 2.0;

    /// <summary>Writes a thumbnail of <paramref name="imagePath"/>; returns whether one was written and any problem seen.</summary>
    public static (bool Written, string? Problem) Write(string imagePath, string thumbnailPath, int expectedWidth, int expectedHeight)
    {
        if (!File.Exists(imagePath))
        {
            return (false, "image file is missing");
        }

        using var image = Cv2.ImDecode(File.ReadAllBytes(imagePath), ImreadModes.Color);
        if (image.Empty())
        {
            return (false, "image cannot be decoded");
        }

        var height = Math.Max(1, (int)Math.Round((double)image.Height * Width / image.Width));
        using var small = new Mat();
        Cv2.Resize(image, small, new Size(Math.Min(Width, image.Width), image.Width <= Width ? image.Height : height), interpolation: InterpolationFlags.Area);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(thumbnailPath))!);
        Cv2.ImWrite(thumbnailPath, small, new ImageEncodingParam(ImwriteFlags.JpegQuality, 80));

        if (expectedWidth > 0 && expectedHeight > 0 && (image.Width != expectedWidth || image.Height != expectedHeight))
        {
            return (true, $"image is {image.Width}x{image.Height} but the record says {expectedWidth}x{expectedHeight}");
        }

        using var grey = new Mat();
        Cv2.CvtColor(small, grey, ColorConversionCodes.BGR2GRAY);
        Cv2.MeanStdDev(grey, out _, out var deviation);
        return deviation.Val0 < BlankContrast ? (true, "frame is blank (no contrast): lens covered or camera dark") : (true, null);
    }
}
