namespace EdgeAgent.Capture;

/// <summary>
/// One encoded access unit as the camera sent it: an H.264/H.265 picture in Annex-B byte-stream form (a keyframe
/// carries its parameter sets in band, so a run of units from a keyframe decodes on its own), or one JPEG.
/// The bytes are never changed after the source made them, so rings, copies and clips share them.
/// </summary>
/// <param name="Data">The unit's bytes.</param>
/// <param name="Codec"><c>h264</c>, <c>h265</c> or <c>jpeg</c>.</param>
/// <param name="Keyframe">Decodes without earlier units (an IDR/IRAP picture, every JPEG).</param>
/// <param name="Pts">The stream's presentation time in ns, or -1 when the source gave none.</param>
/// <param name="Width">Picture width from the stream's caps (0 if unknown).</param>
/// <param name="Height">Picture height from the stream's caps (0 if unknown).</param>
public sealed record EncodedUnit(byte[] Data, string Codec, bool Keyframe, long Pts, int Width, int Height)
{
    public const string H264 = "h264";
    public const string H265 = "h265";
    public const string Jpeg = "jpeg";

    /// <summary>True for a video codec whose units depend on the keyframe before them.</summary>
    public bool IsVideo => Codec is H264 or H265;
}
