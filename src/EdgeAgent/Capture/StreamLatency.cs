using EdgeAgent.Protocol;

namespace EdgeAgent.Capture;

/// <summary>
/// One camera's stream latency (arrival − the camera's own capture time) and the rule that turns a frame's
/// arrival into <see cref="Frame.ProducedAt"/>. Precedence, best first:
/// <list type="number">
/// <item><c>camera-clock</c>: the frame carries a camera time whose latency is plausible
/// (not more than <see cref="CameraReaderSettings.CameraAheadTolerance"/> after arrival, not more than
/// <see cref="CameraReaderSettings.MaxStreamLatency"/> before it). A camera whose clock is off fails this and is not trusted.</item>
/// <item><c>measured-latency</c>: arrival minus the median latency of recent plausible frames of this camera
/// (frames before the first RTCP sender report, or a sender report that went missing).</item>
/// <item><c>configured-latency</c>: arrival minus <c>Cameras[].LatencyMs</c>.</item>
/// <item><c>arrival</c>: nothing better is known.</item>
/// </list>
/// Used only from the reader's loop; <see cref="Reading"/> is safe to read from anywhere.
/// </summary>
public sealed class StreamLatency(CameraReaderSettings settings)
{
    /// <summary>Plausible samples kept: about 10 s at 15 fps.</summary>
    public const int Window = 150;

    private readonly double[] samples = new double[Window];
    private int count;
    private int next;
    private long rejected;
    private double? median;
    private double? p95;
    private StreamLatencyReading reading = new(ProducedBasis.Arrival, settings.ConfiguredLatency?.TotalMilliseconds, null, 0, 0);

    public StreamLatencyReading Reading => Volatile.Read(ref reading);

    /// <summary>The best estimate of when a frame that arrived at <paramref name="arrivedAt"/> was produced, and how it was found.</summary>
    public (DateTimeOffset ProducedAt, ProducedBasis Basis) Estimate(DateTimeOffset arrivedAt, DateTimeOffset? cameraTime)
    {
        (DateTimeOffset, ProducedBasis) result;
        if (cameraTime is { } camera && IsPlausible(arrivedAt - camera))
        {
            Add((arrivedAt - camera).TotalMilliseconds);
            result = (camera, ProducedBasis.CameraClock);
        }
        else
        {
            if (cameraTime is not null)
            {
                rejected++;
            }

            result = median is { } measured ? (arrivedAt - TimeSpan.FromMilliseconds(measured), ProducedBasis.MeasuredLatency)
                : settings.ConfiguredLatency is { } configured ? (arrivedAt - configured, ProducedBasis.ConfiguredLatency)
                : (arrivedAt, ProducedBasis.Arrival);
        }

        Volatile.Write(ref reading, Snapshot(result.Item2));
        return result;
    }

    private bool IsPlausible(TimeSpan latency) => latency >= -settings.CameraAheadTolerance && latency <= settings.MaxStreamLatency;

    private void Add(double latencyMs)
    {
        samples[next] = latencyMs;
        next = (next + 1) % Window;
        count = Math.Min(count + 1, Window);
        Span<double> sorted = stackalloc double[count]; // one sort per sample, for both percentiles
        samples.AsSpan(0, count).CopyTo(sorted);
        sorted.Sort();
        median = Percentile(sorted, 0.5);
        p95 = Math.Round(Percentile(sorted, 0.95), 1);
    }

    private static double Percentile(ReadOnlySpan<double> sorted, double p) =>
        sorted[(int)Math.Min(sorted.Length - 1, Math.Round(p * (sorted.Length - 1)))];

    private StreamLatencyReading Snapshot(ProducedBasis basis)
    {
        var latency = basis switch
        {
            ProducedBasis.CameraClock or ProducedBasis.MeasuredLatency => median,
            ProducedBasis.ConfiguredLatency => settings.ConfiguredLatency?.TotalMilliseconds,
            _ => null,
        };
        return new StreamLatencyReading(basis, latency is { } l ? Math.Round(l, 1) : null, p95, count, rejected);
    }
}
