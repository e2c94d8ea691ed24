using OpenCvSharp;

namespace EdgeAgent.Capture.Quality;

/// <summary>
/// Is a person in view? OpenCV's built-in HOG people detector (a linear SVM shipped inside OpenCV, no model
/// download). Upright, full-body people of at least ~100 px height at analysis size; run only at the steps
/// that ask for it (e.g. "restored": nobody should be at the belt), as it costs tens of milliseconds.
/// </summary>
public static class PersonDetector
{
    private static readonly Lazy<float[]> Detector = new(HOGDescriptor.GetDefaultPeopleDetector);

    /// <summary>Boxes around people found, in frame coordinates. The threshold (SVM margin) of 1.0 keeps
    /// textured backgrounds such as railings from counting as people.</summary>
    public static IReadOnlyList<Rect> Find(RawFrame frame, double hitThreshold = 1.0)
    {
        using var bgr = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels);
        var scale = Math.Min(1.0, 640.0 / frame.Width);
        using var small = new Mat();
        Cv2.Resize(bgr, small, new Size(0, 0), scale, scale, InterpolationFlags.Area);
        using var hog = new HOGDescriptor();
        hog.SetSVMDetector(Detector.Value);
        var found = hog.DetectMultiScale(small, hitThreshold, new Size(8, 8), new Size(16, 16), 1.05, 2);
        return [.. found.Select(r => new Rect((int)(r.X / scale), (int)(r.Y / scale), (int)(r.Width / scale), (int)(r.Height / scale)))];
    }
}
