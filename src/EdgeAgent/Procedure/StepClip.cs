namespace EdgeAgent.Procedure;

/// <summary>
/// A step's video clip (<c>capture.clip</c>): per camera, the stream from <see cref="PreSeconds"/> before the edge to
/// <see cref="PostSeconds"/> after it, remuxed to MP4 without re-encoding and recorded as its own signed record.
/// </summary>
public sealed record StepClip
{
    /// <summary>Seconds of video before the edge, 0 to 60 (bounded in practice by the camera's compressed ring).</summary>
    public double PreSeconds { get; init; } = 5;

    /// <summary>Seconds of video after the edge, 0 to 60.</summary>
    public double PostSeconds { get; init; } = 5;

    /// <summary>Longest span either side of the edge a template may ask for.</summary>
    public const double MaxSeconds = 60;
}
