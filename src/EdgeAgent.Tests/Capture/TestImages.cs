using System.Runtime.InteropServices;
using OpenCvSharp;

namespace EdgeAgent.Tests.Capture;

/// <summary>Pictures spoilt on purpose: the synthetic scene blurred, darkened, covered, blanked or moved.</summary>
public static class TestImages
{
    public const int Width = 640;
    public const int Height = 360;

    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The synthetic scene as a picture: no camera clock, so a reader times it by its arrival.</summary>
    public static RawFrame Scene(int n = 0) => new SyntheticFrameSource(Width, Height, 10, TimeProvider.System, "cam-1").Draw(T0.AddMilliseconds(100 * n), n) with { CameraTime = null };

    public static RawFrame Blurred(RawFrame frame) => Apply(frame, (src, dst) => Cv2.GaussianBlur(src, dst, new Size(31, 31), 0));

    public static RawFrame Darkened(RawFrame frame) => Apply(frame, (src, dst) => src.ConvertTo(dst, MatType.CV_8UC3, 0.35));

    public static RawFrame Overexposed(RawFrame frame) => Apply(frame, (src, dst) => src.ConvertTo(dst, MatType.CV_8UC3, 1.0, 200));

    /// <summary>A hand or cap over the lens: almost black, a little sensor noise.</summary>
    public static RawFrame Covered() => Apply(Scene(), (_, dst) =>
    {
        dst.Create(Height, Width, MatType.CV_8UC3);
        Cv2.Randn(dst, new Scalar(8, 8, 8), new Scalar(2, 2, 2));
    });

    /// <summary>The grey picture an encoder sends when it loses its input, with its small caption.</summary>
    public static RawFrame SignalLost() => Apply(Scene(), (_, dst) =>
    {
        dst.Create(Height, Width, MatType.CV_8UC3);
        dst.SetTo(new Scalar(128, 128, 128));
        Cv2.PutText(dst, "NO SIGNAL", new Point(Width / 2 - 60, Height / 2), HersheyFonts.HersheySimplex, 0.7, Scalar.White, 1);
    });

    /// <summary>The camera knocked: the view shifted by a quarter of the frame and turned a little.</summary>
    public static RawFrame Moved(RawFrame frame) => Apply(frame, (src, dst) =>
    {
        using var m = Cv2.GetRotationMatrix2D(new Point2f(Width / 2f, Height / 2f), 12, 1.0);
        m.Set(0, 2, m.At<double>(0, 2) + (Width / 4.0));
        m.Set(1, 2, m.At<double>(1, 2) + (Height / 5.0));
        Cv2.WarpAffine(src, dst, m, new Size(Width, Height), borderMode: BorderTypes.Reflect);
    });

    /// <summary>A standing figure about 200 px tall, dark against the scene: what HOG's people model looks for.</summary>
    public static RawFrame WithPerson(RawFrame frame, int x = 300, int y = 80) => Apply(frame, (src, dst) =>
    {
        src.CopyTo(dst);
        var colour = new Scalar(40, 40, 60);
        Cv2.Circle(dst, new Point(x, y + 18), 16, colour, -1);
        Cv2.Rectangle(dst, new Rect(x - 22, y + 36, 44, 80), colour, -1);
        Cv2.Line(dst, new Point(x - 22, y + 40), new Point(x - 34, y + 110), colour, 12);
        Cv2.Line(dst, new Point(x + 22, y + 40), new Point(x + 34, y + 110), colour, 12);
        Cv2.Line(dst, new Point(x - 10, y + 116), new Point(x - 18, y + 200), colour, 16);
        Cv2.Line(dst, new Point(x + 10, y + 116), new Point(x + 18, y + 200), colour, 16);
    });

    private static RawFrame Apply(RawFrame frame, Action<Mat, Mat> change)
    {
        using var src = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels);
        using var dst = new Mat();
        change(src, dst);
        var pixels = new byte[frame.Width * frame.Height * 3];
        Marshal.Copy(dst.Data, pixels, 0, pixels.Length);
        return new RawFrame(pixels, frame.Width, frame.Height);
    }
}
