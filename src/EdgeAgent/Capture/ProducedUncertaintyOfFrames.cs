using EdgeAgent.Configuration;
using EdgeAgent.Protocol;

namespace EdgeAgent.Capture;

/// <summary>
/// A camera's <see cref="ProducedUncertainty"/> (the configured numbers) applied to its frames: how early and how
/// late each <see cref="Frame"/> may really have been captured, given its <see cref="Frame.ProducedBasis"/>.
/// </summary>
public static class ProducedUncertaintyOfFrames
{
    /// <summary>The earliest moment the camera may really have captured <paramref name="frame"/>.</summary>
    public static DateTimeOffset Earliest(this ProducedUncertainty uncertainty, Frame frame) => frame.ProducedAt - uncertainty.Of(frame.ProducedBasis);

    /// <summary>
    /// The latest moment the camera may really have captured <paramref name="frame"/>. A frame cannot be produced
    /// after it arrived, so for basis <c>arrival</c> this is <see cref="Frame.ProducedAt"/> itself.
    /// </summary>
    public static DateTimeOffset Latest(this ProducedUncertainty uncertainty, Frame frame) =>
        frame.ProducedBasis == ProducedBasis.Arrival ? frame.ProducedAt : Min(frame.ProducedAt + uncertainty.Of(frame.ProducedBasis), frame.ArrivedAt);

    /// <summary>How far a production time on <paramref name="basis"/> may be off.</summary>
    public static TimeSpan Of(this ProducedUncertainty uncertainty, ProducedBasis basis) => TimeSpan.FromMilliseconds(basis switch
    {
        ProducedBasis.CameraClock => uncertainty.CameraClockMs,
        ProducedBasis.MeasuredLatency => uncertainty.MeasuredLatencyMs,
        ProducedBasis.ConfiguredLatency => uncertainty.ConfiguredLatencyMs,
        _ => uncertainty.ArrivalMs,
    });

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
