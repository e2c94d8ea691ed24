using EdgeAgent.Capture;

namespace EdgeAgent.Health;

/// <summary>
/// Per-camera measurements between health reports: frame rate over at least a second, sharpness once per
/// new frame, and frozen (a new frame identical to the previous one sampled, which sensor noise never allows).
/// </summary>
public sealed class CameraSampler(TimeProvider timeProvider)
{
    private static readonly TimeSpan FpsWindow = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, (long Sequence, long Timestamp, double? Fps)> fpsBaseline = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Sequence, RawFrame Image, double Sharpness, bool Frozen)> lastFrame = new(StringComparer.Ordinal);
    private readonly Lock sync = new();

    public CameraHealth Sample(CameraReader reader)
    {
        var frame = reader.Latest;
        var now = timeProvider.GetTimestamp();
        double? fps = null;
        double? sharpness = null;
        var frozen = false;
        if (frame is not null)
        {
            lock (sync)
            {
                fps = Rate(reader.CameraId, frame);
                (sharpness, frozen) = Quality(reader.CameraId, frame);
            }
        }

        double? age = frame is null ? null : Math.Round(timeProvider.GetElapsedTime(frame.Timestamp, now).TotalSeconds, 2);
        return new CameraHealth(reader.CameraId, reader.State.ToString().ToLowerInvariant(), fps, age, sharpness, reader.LastError) { Frozen = frozen };
    }

    private double? Rate(string cameraId, Frame frame)
    {
        if (!fpsBaseline.TryGetValue(cameraId, out var baseline))
        {
            fpsBaseline[cameraId] = (frame.Sequence, frame.Timestamp, null);
            return null;
        }

        var window = timeProvider.GetElapsedTime(baseline.Timestamp, frame.Timestamp);
        if (window < FpsWindow)
        {
            return baseline.Fps; // a status call right after a check: keep the last rate rather than noise
        }

        var fps = Math.Round((frame.Sequence - baseline.Sequence) / window.TotalSeconds, 1);
        fpsBaseline[cameraId] = (frame.Sequence, frame.Timestamp, fps);
        return fps;
    }

    private (double Sharpness, bool Frozen) Quality(string cameraId, Frame frame)
    {
        if (lastFrame.TryGetValue(cameraId, out var previous) && previous.Sequence == frame.Sequence)
        {
            return (previous.Sharpness, previous.Frozen);
        }

        var frozen = previous.Image is not null && SharpnessMeter.Difference(previous.Image, frame.Image) == 0;
        var sharpness = SharpnessMeter.Measure(frame.Image);
        lastFrame[cameraId] = (frame.Sequence, frame.Image, sharpness, frozen);
        return (sharpness, frozen);
    }
}
