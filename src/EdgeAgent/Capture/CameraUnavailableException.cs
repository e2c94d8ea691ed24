namespace EdgeAgent.Capture;

/// <summary>A capture found no frame at all: the camera never delivered one since the reader started.</summary>
public sealed class CameraUnavailableException(string cameraId, string reason)
    : Exception($"camera '{cameraId}' has no frame: {reason}")
{
    public string CameraId { get; } = cameraId;
}
