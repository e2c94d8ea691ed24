using System.ComponentModel.DataAnnotations;
using EdgeAgent.Protocol;

namespace EdgeAgent.Capture;

/// <summary>
/// How far a frame's <see cref="Frame.ProducedAt"/> may be from the moment the camera really captured it, per
/// <see cref="ProducedBasis"/>; configured per camera under <c>Cameras:N:ProducedUncertainty</c>. The <c>at</c>
/// photo must be surely after the edge, so a frame is taken as <c>at</c> only when even its earliest possible
/// production time is at or after the edge (plus the step's settle time).
/// </summary>
public sealed class ProducedUncertainty
{
    /// <summary>Camera clock (RTCP): the camera's and the agent's NTP error; either way.</summary>
    [Range(0, 10000)]
    public int CameraClockMs { get; set; } = 20;

    /// <summary>Arrival minus a measured latency: the latency's jitter; either way.</summary>
    [Range(0, 10000)]
    public int MeasuredLatencyMs { get; set; } = 60;

    /// <summary>Arrival minus a configured latency: how wrong the configured value may be; either way.</summary>
    [Range(0, 10000)]
    public int ConfiguredLatencyMs { get; set; } = 150;

    /// <summary>Arrival only: the stream's whole latency (camera, network, decoder), by which the frame may be older than it looks.</summary>
    [Range(0, 10000)]
    public int ArrivalMs { get; set; } = 400;

    /// <summary>The largest of the four, for deadlines.</summary>
    public TimeSpan Largest => TimeSpan.FromMilliseconds(Math.Max(Math.Max(CameraClockMs, MeasuredLatencyMs), Math.Max(ConfiguredLatencyMs, ArrivalMs)));

    /// <summary>The earliest moment the camera may really have captured <paramref name="frame"/>.</summary>
    public DateTimeOffset Earliest(Frame frame) => frame.ProducedAt - Of(frame.ProducedBasis);

    /// <summary>
    /// The latest moment the camera may really have captured <paramref name="frame"/>. A frame cannot be produced
    /// after it arrived, so for basis <c>arrival</c> this is <see cref="Frame.ProducedAt"/> itself.
    /// </summary>
    public DateTimeOffset Latest(Frame frame) =>
        frame.ProducedBasis == ProducedBasis.Arrival ? frame.ProducedAt : Min(frame.ProducedAt + Of(frame.ProducedBasis), frame.ArrivedAt);

    public TimeSpan Of(ProducedBasis basis) => TimeSpan.FromMilliseconds(basis switch
    {
        ProducedBasis.CameraClock => CameraClockMs,
        ProducedBasis.MeasuredLatency => MeasuredLatencyMs,
        ProducedBasis.ConfiguredLatency => ConfiguredLatencyMs,
        _ => ArrivalMs,
    });

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
