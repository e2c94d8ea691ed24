namespace EdgeAgent.Capture.Clips;

/// <summary>Cuts clips from the cameras' compressed pre-trigger rings.</summary>
public interface IClipSource
{
    /// <summary>
    /// The camera's frames produced in [<paramref name="from"/>, <paramref name="to"/>], starting at the keyframe at or
    /// before <paramref name="from"/>, remuxed to MP4 without re-encoding. Waits until a frame produced after
    /// <paramref name="to"/> has arrived (or the camera's fresh-frame wait passes). Null when the camera keeps no
    /// compressed stream (a raw-only source) or holds nothing of that span.
    /// </summary>
    Task<Clip?> CutAsync(string cameraId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}
