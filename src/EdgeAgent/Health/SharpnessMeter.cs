using EdgeAgent.Capture;
using OpenCvSharp;

namespace EdgeAgent.Health;

/// <summary>
/// Focus measure: the variance of the Laplacian of the grey image. A sharp, textured scene scores in the
/// hundreds or more; a defocused or fogged lens, or a blank frame, scores near zero.
/// </summary>
public static class SharpnessMeter
{
    /// <summary>Below this, a frame is reported as blurred (defocused, fogged, covered or blank).</summary>
    public const double BlurredBelow = 50;

    public static double Measure(RawFrame frame)
    {
        using var bgr = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels);
        using var grey = new Mat();
        Cv2.CvtColor(bgr, grey, ColorConversionCodes.BGR2GRAY);
        using var laplacian = new Mat();
        Cv2.Laplacian(grey, laplacian, MatType.CV_64F);
        Cv2.MeanStdDev(laplacian, out _, out var stddev);
        return Math.Round(stddev.Val0 * stddev.Val0, 1);
    }

    /// <summary>Mean absolute difference per pixel byte between two frames of the same size; 0 means identical (frozen).</summary>
    public static double Difference(RawFrame a, RawFrame b)
    {
        if (a.Width != b.Width || a.Height != b.Height)
        {
            return double.PositiveInfinity;
        }

        using var ma = Mat.FromPixelData(a.Height, a.Width, MatType.CV_8UC3, a.Pixels);
        using var mb = Mat.FromPixelData(b.Height, b.Width, MatType.CV_8UC3, b.Pixels);
        using var diff = new Mat();
        Cv2.Absdiff(ma, mb, diff);
        var mean = Cv2.Mean(diff);
        return (mean.Val0 + mean.Val1 + mean.Val2) / 3;
    }
}
