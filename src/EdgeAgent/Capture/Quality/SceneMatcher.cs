using OpenCvSharp;

namespace EdgeAgent.Capture.Quality;

/// <summary>
/// Compares a frame with the reference stored at commissioning: normalised cross-correlation of small
/// blurred grey thumbnails. Insensitive to lighting level and to small changes (a person, the clock),
/// but drops when the camera was turned, moved or obstructed.
/// </summary>
public static class SceneMatcher
{
    private static readonly Size Thumbnail = new(64, 48);

    /// <summary>Correlation in [-1, 1]; 0 when either picture is featureless.</summary>
    public static double Score(RawFrame frame, RawFrame reference)
    {
        using var grey = FrameQualityAnalyzer.AnalysisGrey(frame);
        return Score(grey, reference);
    }

    /// <summary>As <see cref="Score(RawFrame, RawFrame)"/> for a picture already grey at the analysis size.</summary>
    internal static double Score(Mat analysisGrey, RawFrame reference)
    {
        using var a = Thumb(analysisGrey);
        using var referenceGrey = FrameQualityAnalyzer.AnalysisGrey(reference);
        using var b = Thumb(referenceGrey);
        Cv2.MeanStdDev(a, out var meanA, out var stdA);
        Cv2.MeanStdDev(b, out var meanB, out var stdB);
        if (stdA.Val0 < 1 || stdB.Val0 < 1)
        {
            return 0;
        }

        using var result = new Mat();
        Cv2.MatchTemplate(a, b, result, TemplateMatchModes.CCoeffNormed);
        return result.At<float>(0, 0);
    }

    private static Mat Thumb(Mat grey)
    {
        var thumb = new Mat();
        Cv2.Resize(grey, thumb, Thumbnail, interpolation: InterpolationFlags.Area);
        Cv2.GaussianBlur(thumb, thumb, new Size(5, 5), 0);
        thumb.ConvertTo(thumb, MatType.CV_32F);
        return thumb;
    }
}
