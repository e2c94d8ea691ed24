namespace EdgeAgent.Capture;

/// <summary>
/// The hardware seam for cameras: yields decoded frames as fast as the camera delivers them.
/// The sequence ends when the stream ends or breaks; <see cref="CameraReader"/> reconnects.
/// </summary>
public interface IFrameSource
{
    /// <summary>Human-readable description for logs and health, without credentials.</summary>
    string Describe();

    IAsyncEnumerable<RawFrame> ReadFramesAsync(CancellationToken cancellationToken = default);
}
