using EdgeAgent.Protocol;

namespace EdgeAgent.Capture.Clips;

/// <summary>
/// A stretch of one camera's encoded stream, remuxed (never re-encoded) into an MP4 file: signed evidence like a photo.
/// </summary>
/// <param name="CameraId">The camera the stream came from.</param>
/// <param name="Mp4">The MP4 file's bytes (ISO BMFF, faststart), playable by an HTML5 video element.</param>
/// <param name="Codec"><c>h264</c> or <c>h265</c>.</param>
/// <param name="FirstProducedAt">When the camera produced the clip's first frame (a keyframe).</param>
/// <param name="LastProducedAt">When the camera produced the clip's last frame.</param>
/// <param name="ProducedBasis">How those production times are known (as for photos).</param>
/// <param name="Frames">Frames in the clip.</param>
/// <param name="Width">Picture width in pixels.</param>
/// <param name="Height">Picture height in pixels.</param>
public sealed record Clip(
    string CameraId,
    byte[] Mp4,
    string Codec,
    DateTimeOffset FirstProducedAt,
    DateTimeOffset LastProducedAt,
    ProducedBasis ProducedBasis,
    int Frames,
    int Width,
    int Height);
