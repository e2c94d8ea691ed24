using EdgeAgent.Configuration;
using EdgeAgent.Protocol;
using OpenCvSharp;

namespace EdgeAgent.Capture.Quality;

/// <summary>
/// Measures a captured frame: sharpness (variance of the Laplacian), exposure, blank/covered, frozen, and
/// the match against a commissioning reference. Runs on the few frames selected for evidence, at a reduced
/// analysis size (at most 640 px wide), so it costs a few milliseconds even for 1080p. A compressed camera's health
/// sample arrives already grey at that size (<see cref="GreyPicture"/>) and is judged by the same measurements.
/// </summary>
public static class FrameQualityAnalyzer
{
    /// <summary>Pictures are measured at most this wide, so thresholds mean the same at any camera resolution.</summary>
    public const int AnalysisWidth = 640;
    private const int UniformBand = 16;

    public static FrameQuality Analyze(Frame frame, QualityThresholds thresholds, RawFrame? reference = null, bool checkPeople = false) =>
        Analyze(frame.Image, frame.UnchangedFrames, frame.UnchangedFor, thresholds, reference, checkPeople);

    /// <param name="unchangedFrames">Frames in a row before this one with the same picture (or camera time).</param>
    /// <param name="unchangedFor">How long the picture had not advanced; <c>frozen</c> from <see cref="QualityThresholds.FrozenAfterSeconds"/> on.</param>
    public static FrameQuality Analyze(RawFrame image, int unchangedFrames, TimeSpan unchangedFor, QualityThresholds thresholds, RawFrame? reference = null, bool checkPeople = false)
    {
        using var grey = AnalysisGrey(image);
        double? scene = reference is null ? null : SceneMatcher.Score(grey, reference);
        int? people = checkPeople ? PersonDetector.Find(image).Count : null;
        return Judge(grey, unchangedFrames, unchangedFor, thresholds, scene, people);
    }

    /// <summary>A picture already grey at the analysis size (a compressed camera's health sample); no person check.</summary>
    public static FrameQuality Analyze(GreyPicture grey, int unchangedFrames, TimeSpan unchangedFor, QualityThresholds thresholds, RawFrame? reference = null)
    {
        if (grey.Width > AnalysisWidth)
        {
            throw new ArgumentException($"a grey picture is judged at most {AnalysisWidth} px wide, not {grey.Width}", nameof(grey));
        }

        using var mat = Mat.FromPixelData(grey.Height, grey.Width, MatType.CV_8UC1, grey.Pixels);
        double? scene = reference is null ? null : SceneMatcher.Score(mat, reference);
        return Judge(mat, unchangedFrames, unchangedFor, thresholds, scene, null);
    }

    private static FrameQuality Judge(Mat grey, int unchangedFrames, TimeSpan unchangedFor, QualityThresholds thresholds, double? scene, int? people)
    {
        using var laplacian = new Mat();
        Cv2.Laplacian(grey, laplacian, MatType.CV_64F);
        Cv2.MeanStdDev(laplacian, out _, out var lapStd);
        Cv2.MeanStdDev(grey, out var mean, out var std);
        var sharpness = lapStd.Val0 * lapStd.Val0;
        var uniform = UniformFraction(grey);

        var flags = new List<string>();
        // By time, not by frame count: a decoder repeating a frame or two is not a frozen camera.
        if (unchangedFrames > 0 && unchangedFor.TotalSeconds >= thresholds.FrozenAfterSeconds)
        {
            flags.Add(FrameQuality.Frozen);
        }

        var dark = mean.Val0 < thresholds.DarkBelow;
        if (uniform >= thresholds.UniformAbove)
        {
            flags.Add(dark ? FrameQuality.Covered : FrameQuality.Blank);
        }
        else
        {
            AddIf(flags, dark, FrameQuality.Dark);
            AddIf(flags, mean.Val0 > thresholds.BrightAbove, FrameQuality.Bright);
            AddIf(flags, sharpness < thresholds.MinSharpness, FrameQuality.Blurry);
        }

        AddIf(flags, scene < thresholds.MinSceneMatch, FrameQuality.SceneMismatch);
        AddIf(flags, people > 0, FrameQuality.PersonInView);
        return new FrameQuality(Math.Round(sharpness, 1), Math.Round(mean.Val0, 1), Math.Round(std.Val0, 1), Math.Round(uniform, 3), unchangedFrames, scene is { } s ? Math.Round(s, 3) : null, flags)
        {
            People = people,
            UnchangedMs = unchangedFrames > 0 ? Math.Round(unchangedFor.TotalMilliseconds) : null,
        };
    }

    /// <summary>The frame as 8-bit grey, scaled down to the analysis width.</summary>
    internal static Mat AnalysisGrey(RawFrame image, int maxWidth = AnalysisWidth)
    {
        using var bgr = Mat.FromPixelData(image.Height, image.Width, MatType.CV_8UC3, image.Pixels);
        var grey = new Mat();
        Cv2.CvtColor(bgr, grey, ColorConversionCodes.BGR2GRAY);
        if (image.Width <= maxWidth)
        {
            return grey;
        }

        using (grey)
        {
            var scaled = new Mat();
            Cv2.Resize(grey, scaled, new Size(maxWidth, Math.Max(1, image.Height * maxWidth / image.Width)), interpolation: InterpolationFlags.Area);
            return scaled;
        }
    }

    /// <summary>The largest share of pixels inside any band of <see cref="UniformBand"/> grey levels.</summary>
    private static double UniformFraction(Mat grey)
    {
        Span<int> histogram = stackalloc int[256];
        grey.GetArray(out byte[] levels);
        foreach (var level in levels)
        {
            histogram[level]++;
        }

        var window = 0;
        for (var i = 0; i < UniformBand; i++)
        {
            window += histogram[i];
        }

        var best = window;
        for (var i = UniformBand; i < 256; i++)
        {
            window += histogram[i] - histogram[i - UniformBand];
            best = Math.Max(best, window);
        }

        return levels.Length == 0 ? 1 : (double)best / levels.Length;
    }

    private static void AddIf(List<string> flags, bool condition, string flag)
    {
        if (condition)
        {
            flags.Add(flag);
        }
    }
}
