using System.Globalization;
using EdgeAgent.Capture;
using EdgeAgent.Protocol;
using OpenCvSharp;

namespace EdgeAgent.Health;

/// <summary>
/// A frame for aiming and focusing: the camera's current picture with its sharpness score, quality verdict
/// (the flags evidence photos would get, scene match included) and time drawn on a band at the bottom, so a
/// tech turning the focus ring sees the number move.
/// </summary>
public static class AimingSnapshot
{
    public static byte[] Render(string cameraId, Frame frame, FrameQuality quality, int jpegQuality = 90)
    {
        using var mat = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Image.Pixels).Clone();
        var scale = Math.Clamp(frame.Width / 1280.0, 0.35, 2.0);
        var band = (int)Math.Ceiling(44 * scale);
        Cv2.Rectangle(mat, new Rect(0, frame.Height - band, frame.Width, band), Scalar.Black, -1);
        var verdict = quality.Flags.Count == 0 ? "ok" : string.Join(' ', quality.Flags).ToUpperInvariant();
        var scene = quality.SceneMatch is { } match ? string.Create(CultureInfo.InvariantCulture, $"  scene {match:0.00}") : "";
        var text = string.Create(CultureInfo.InvariantCulture, $"{cameraId}  sharpness {quality.Sharpness:0.0}{scene} ({verdict})  {frame.ArrivedAt:yyyy-MM-dd HH:mm:ss} UTC");
        var colour = quality.Flags.Count > 0 ? new Scalar(0, 0, 255) : new Scalar(0, 255, 0);
        Cv2.PutText(mat, text, new Point(8, frame.Height - (band / 3)), HersheyFonts.HersheySimplex, 0.8 * scale, colour, Math.Max(1, (int)(2 * scale)));
        Cv2.ImEncode(".jpg", mat, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, jpegQuality));
        return jpeg;
    }
}
