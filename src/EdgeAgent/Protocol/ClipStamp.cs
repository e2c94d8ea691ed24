namespace EdgeAgent.Protocol;

/// <summary>
/// The video a clip record carries (schema <c>edgeagent.evidence/2</c>, optional member <c>clip</c>): its <c>image</c>
/// is the MP4 (<see cref="ContentType"/>), remuxed from the camera's stream without re-encoding. A clip record is not
/// a photo: it never counts towards a step's <c>photos</c>.
/// </summary>
/// <param name="Codec"><c>h264</c> or <c>h265</c>.</param>
/// <param name="FirstProducedAt">When the camera produced the clip's first frame (a keyframe, at or before <paramref name="From"/>).</param>
/// <param name="LastProducedAt">When the camera produced the clip's last frame.</param>
/// <param name="ProducedBasis">How those times are known (as <c>frame.producedBasis</c>).</param>
/// <param name="Frames">Frames in the clip.</param>
/// <param name="From">The span the step asked for: edge − <c>preSeconds</c>.</param>
/// <param name="To">Edge + <c>postSeconds</c>.</param>
public sealed record ClipStamp(
    string Codec,
    DateTimeOffset FirstProducedAt,
    DateTimeOffset LastProducedAt,
    ProducedBasis ProducedBasis,
    int Frames,
    DateTimeOffset From,
    DateTimeOffset To)
{
    /// <summary>The <c>image.contentType</c> of a clip record.</summary>
    public const string ContentType = "video/mp4";

    /// <summary>The clip's length from its first to its last frame, in ms.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double DurationMs => (LastProducedAt - FirstProducedAt).TotalMilliseconds;
}
