using EdgeAgent.Protocol;

namespace EdgeAgent.Capture;

/// <summary>A camera's stream latency as status, health, <c>/metrics</c> and <c>doctor</c> show it.</summary>
/// <param name="Basis">How the newest frame's <see cref="Frame.ProducedAt"/> was found.</param>
/// <param name="LatencyMs">The latency applied for that basis: measured median (camera-clock, measured-latency), the configured value, or null (arrival).</param>
/// <param name="P95Ms">95th percentile of the measured latency, or null before any camera-clock frame.</param>
/// <param name="Samples">Camera-clock frames in the measurement window.</param>
/// <param name="RejectedCameraTimes">Frames whose camera time was not plausible (the camera's clock is off) and was not trusted.</param>
public sealed record StreamLatencyReading(ProducedBasis Basis, double? LatencyMs, double? P95Ms, int Samples, long RejectedCameraTimes)
{
    /// <summary>The basis as records and health spell it: camera-clock, measured-latency, configured-latency, arrival.</summary>
    public string BasisName => Name(Basis);

    public static string Name(ProducedBasis basis) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(basis.ToString());
}
