using System.Globalization;
using System.Runtime.CompilerServices;
using OpenCvSharp;

namespace EdgeAgent.Capture;

/// <summary>
/// A drawn scene: a moving block, a running clock and a machine-readable clock stripe holding the
/// production time in Unix milliseconds. Stands in for a camera where none exists. Each frame carries its
/// production time as <see cref="RawFrame.CameraTime"/>, so its <c>producedBasis</c> is <c>camera-clock</c>.
/// </summary>
public sealed class SyntheticFrameSource(int width, int height, int fps, TimeProvider timeProvider, string label = "synthetic") : IFrameSource
{
    public string Describe() => $"synthetic {width}x{height}@{fps}";

    public async IAsyncEnumerable<RawFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / fps), timeProvider);
        long n = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            yield return Draw(timeProvider.GetUtcNow(), n++);
        }
    }

    /// <summary>Draws one frame showing <paramref name="now"/>.</summary>
    public RawFrame Draw(DateTimeOffset now, long n)
    {
        using var mat = new Mat(height, width, MatType.CV_8UC3, new Scalar(60, 90, 40));
        var belt = new Rect(0, height * 2 / 3, width, height / 6);
        Cv2.Rectangle(mat, belt, new Scalar(30, 30, 30), -1);
        var x = (int)(n * 7 % Math.Max(1, width - 60));
        Cv2.Rectangle(mat, new Rect(x, belt.Y - 40, 60, 40), new Scalar(0, 140, 255), -1);
        // Texture, so sharpness measures something real.
        for (var gx = 0; gx < width; gx += 16)
        {
            Cv2.Line(mat, new Point(gx, 20), new Point(gx, belt.Y - 50), new Scalar(80, 120, 60), 1);
        }

        var scale = Math.Max(0.4, width / 1280.0);
        Cv2.PutText(mat, label, new Point(10, (int)(50 * scale) + 10), HersheyFonts.HersheySimplex, scale, Scalar.White, 2);
        Cv2.PutText(mat, now.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture), new Point(10, (int)(100 * scale) + 10), HersheyFonts.HersheySimplex, scale, Scalar.White, 2);

        var pixels = new byte[width * height * 3];
        System.Runtime.InteropServices.Marshal.Copy(mat.Data, pixels, 0, pixels.Length);
        if (width >= FrameClockStripe.Bits)
        {
            FrameClockStripe.Write(pixels, width, now.ToUnixTimeMilliseconds());
        }

        // The synthetic camera knows exactly when it made the frame: its own clock, as RTCP gives a real camera's.
        return new RawFrame(pixels, width, height) { CameraTime = now };
    }
}
