using System.Text;
using EdgeAgent.Capture;
using OpenCvSharp;

namespace EdgeAgent.Scanning;

/// <summary>Finds and decodes one QR code in a camera frame with OpenCV's <see cref="QRCodeDetector"/>.</summary>
public sealed class QrFrameDecoder : IDisposable
{
    private readonly QRCodeDetector detector = new();

    /// <summary>The QR code's payload as UTF-8 bytes, or null when the frame holds no readable code.</summary>
    public byte[]? Decode(RawFrame frame)
    {
        using var mat = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels);
        using var straight = new Mat();
        var text = detector.DetectAndDecode(mat, out _, straight);
        return string.IsNullOrEmpty(text) ? null : Encoding.UTF8.GetBytes(text);
    }

    public void Dispose() => detector.Dispose();
}
