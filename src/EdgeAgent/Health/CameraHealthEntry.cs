
namespace EdgeAgent.Health;

/// <summary>
/// A camera as health sees it: reader state, measured frame rate, newest frame's age and the quality signals of
/// the newest frame, measured by the same <c>FrameQualityAnalyzer</c> that judges evidence photos.
/// </summary>
public sealed record CameraHealthEntry(string Id, string State, double? Fps, double? LastFrameAgeSeconds, double? Sharpness, string? LastError)
{
    /// <summary>The newest frame is identical to the one before it: a stuck encoder or a still image.</summary>
    public bool Frozen { get; init; }

    /// <summary>Mean grey level of the newest frame, 0-255.</summary>
    public double? Brightness { get; init; }

    /// <summary>Correlation with the reference view stored at commissioning (1 = same view), or null without one.</summary>
    public double? SceneMatch { get; init; }

    /// <summary>Whether a reference view was commissioned (<c>edgeagent commission --camera ID</c>).</summary>
    public bool ReferenceCommissioned { get; init; }

    /// <summary>Quality flags of the newest frame: frozen, blank, covered, dark, bright, blurry, scene-mismatch.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>How the newest frame's <c>producedAt</c> was found: camera-clock, measured-latency, configured-latency or arrival.</summary>
    public string? ProducedBasis { get; init; }

    /// <summary>Stream latency (capture to arrival) applied for that basis, in ms: the measured median, the configured value, or null.</summary>
    public double? LatencyMs { get; init; }

    /// <summary>95th percentile of the measured stream latency, in ms; null before any frame with a usable camera time.</summary>
    public double? LatencyP95Ms { get; init; }

    /// <summary>Frames whose camera time was implausible (the camera's clock is off) and not trusted.</summary>
    public long RejectedCameraTimes { get; init; }
}
