using EdgeAgent.Capture.Quality;

namespace EdgeAgent.Capture;

/// <summary>
/// A picture as 8-bit grey (its luma), row-major, no padding, at most <see cref="FrameQualityAnalyzer.AnalysisWidth"/>
/// wide: what the quality checks look at. A compressed camera's health sample is kept only in this form.
/// </summary>
public sealed record GreyPicture(byte[] Pixels, int Width, int Height)
{
    /// <summary>A BGR picture turned grey and area-scaled to at most <paramref name="maxWidth"/> wide, as the quality checks do.</summary>
    public static GreyPicture Of(RawFrame image, int maxWidth = FrameQualityAnalyzer.AnalysisWidth)
    {
        using var grey = FrameQualityAnalyzer.AnalysisGrey(image, maxWidth);
        grey.GetArray(out byte[] pixels);
        return new GreyPicture(pixels, grey.Width, grey.Height);
    }

    /// <summary>The size a picture of <paramref name="width"/> x <paramref name="height"/> has once scaled to at most <paramref name="maxWidth"/> wide.</summary>
    public static (int Width, int Height) Fit(int width, int height, int maxWidth) =>
        width <= maxWidth ? (width, height) : (maxWidth, Math.Max(1, height * maxWidth / width));
}
