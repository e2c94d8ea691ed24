using EdgeAgent.Capture;

namespace EdgeAgent.Health;

/// <summary>
/// Per-camera measurements between health reports: frame rate over at least a second, and the quality of the
/// newest frame from <see cref="CameraRegistry.Inspect"/>: the analyzer evidence photos are judged by, so health
/// and evidence never disagree about a picture. A few milliseconds per camera per report.
/// </summary>
public sealed class CameraSampler(CameraRegistry cameras, TimeProvider timeProvider)
{
    private static readonly TimeSpan FpsWindow = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, (long Sequence, long Timestamp, double? Fps)> fpsBaseline = new(StringComparer.Ordinal);
    private readonly Lock sync = new();

    /// <summary>The camera's health entry and the findings (one sentence per quality flag) that health reports as problems.</summary>
    public (CameraHealthEntry Health, IEnumerable<string> Findings) Sample(CameraReader reader)
    {
        var frame = reader.Latest;
        var now = timeProvider.GetTimestamp();
        double? fps = null;
        Protocol.FrameQuality? quality = null;
        if (frame is not null)
        {
            lock (sync)
            {
                fps = Rate(reader.CameraId, frame);
                quality = cameras.Inspect(reader.CameraId).Quality;
            }
        }

        double? age = frame is null ? null : Math.Round(timeProvider.GetElapsedTime(frame.Timestamp, now).TotalSeconds, 2);
        var health = new CameraHealthEntry(reader.CameraId, reader.State.ToString().ToLowerInvariant(), fps, age, quality?.Sharpness, reader.LastError)
        {
            Frozen = quality?.Flags.Contains(Protocol.FrameQuality.Frozen) ?? false,
            Brightness = quality?.Brightness,
            SceneMatch = quality?.SceneMatch,
            ReferenceCommissioned = cameras.References.Load(reader.CameraId) is not null,
            Flags = quality?.Flags ?? [],
            ProducedBasis = reader.Status.Latency?.BasisName,
            LatencyMs = reader.Status.Latency?.LatencyMs,
            LatencyP95Ms = reader.Status.Latency?.P95Ms,
            RejectedCameraTimes = reader.Status.Latency?.RejectedCameraTimes ?? 0,
        };
        return (health, quality?.Findings(reader.CameraId) ?? []);
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
}
