using EdgeAgent.Protocol;

namespace EdgeAgent.Capture;

/// <summary>What a field tech needs to know about one camera: is it alive (status), aimed and sharp (quality of the newest frame).</summary>
/// <param name="CameraId">The camera.</param>
/// <param name="Source">Its source, without credentials.</param>
/// <param name="Status">Connected, reconnecting or failing, with the reason.</param>
/// <param name="Quality">Signals of the newest frame, or null when there is none.</param>
/// <param name="FrameAgeMs">How long ago the newest frame arrived, or null when there is none.</param>
public sealed record CameraHealth(string CameraId, string Source, CameraStatus Status, FrameQuality? Quality, double? FrameAgeMs)
{
    /// <summary>Connected, delivering fresh frames, and the newest frame is usable evidence.</summary>
    public bool Healthy => Status.State == CameraState.Connected && Quality is { Good: true } && FrameAgeMs < 5000;
}
