using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using OpenCvSharp;

namespace EdgeAgent.Capture;

/// <summary>
/// A USB (UVC) camera through OpenCV's V4L2 backend. A dedicated thread reads every frame the driver
/// delivers, so the driver's buffer queue never fills with stale frames; only the newest waits for the reader.
/// </summary>
public sealed class V4l2FrameSource(string device, int width, int height, int fps) : IFrameSource
{
    public string Describe() => $"v4l2 {device} {width}x{height}@{fps}";

    public async IAsyncEnumerable<RawFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var capture = Open();
        var frames = Channel.CreateBounded<RawFrame>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var thread = new Thread(() => ReadLoop(capture, frames.Writer, stop.Token)) { IsBackground = true, Name = $"v4l2 {device}" };
        thread.Start();
        try
        {
            await foreach (var frame in frames.Reader.ReadAllAsync(cancellationToken))
            {
                yield return frame;
            }
        }
        finally
        {
            await stop.CancelAsync();
            thread.Join();
        }
    }

    /// <summary>Opens the device, turning every way it can be missing into a message a field tech can act on.</summary>
    internal VideoCapture Open()
    {
        if (!File.Exists(device))
        {
            throw new FrameSourceException($"no such device {device}: is the camera plugged in? 'ls -l /dev/v4l/by-id' lists the cameras this machine sees", permanent: true);
        }

        var capture = new VideoCapture(device, VideoCaptureAPIs.V4L2);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new FrameSourceException($"cannot open {device}: check that the service user is in the 'video' group and that no other program holds the camera", permanent: true);
        }

        capture.Set(VideoCaptureProperties.FrameWidth, width);
        capture.Set(VideoCaptureProperties.FrameHeight, height);
        capture.Set(VideoCaptureProperties.Fps, fps);
        capture.Set(VideoCaptureProperties.BufferSize, 1);
        return capture;
    }

    private void ReadLoop(VideoCapture capture, ChannelWriter<RawFrame> writer, CancellationToken cancellationToken)
    {
        using var mat = new Mat();
        using var colour = new Mat();
        var pool = new FrameBufferPool();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!capture.Read(mat) || mat.Empty())
                {
                    writer.TryComplete(new FrameSourceException($"{device} stopped delivering frames (unplugged?)"));
                    return;
                }

                // Some cameras deliver grey or BGRA; the rest of the agent works in BGR at the configured size.
                var bgr = mat.Channels() switch
                {
                    1 => Convert(mat, colour, ColorConversionCodes.GRAY2BGR),
                    4 => Convert(mat, colour, ColorConversionCodes.BGRA2BGR),
                    _ => mat,
                };
                using var sized = bgr.Width == width && bgr.Height == height && bgr.IsContinuous() ? bgr.Clone() : bgr.Resize(new Size(width, height));
                var pixels = pool.Rent(width * height * 3);
                Marshal.Copy(sized.Data, pixels, 0, pixels.Length);
                if (!writer.TryWrite(new RawFrame(pixels, width, height) { Pool = pool }))
                {
                    pool.Return(pixels);
                }
            }

            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
        }
    }

    private static Mat Convert(Mat source, Mat target, ColorConversionCodes code)
    {
        Cv2.CvtColor(source, target, code);
        return target;
    }
}
