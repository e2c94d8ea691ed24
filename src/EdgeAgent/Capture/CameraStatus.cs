namespace EdgeAgent.Capture;

/// <summary>What a camera reader reports to health and logs: its state and, when not connected, why.</summary>
/// <param name="State">Connected, reconnecting, or failing (several attempts in a row, or a cause that retrying will not fix).</param>
/// <param name="Reason">Why the camera is not connected (the last error), or <c>null</c> when connected.</param>
/// <param name="Since">Wall-clock time the state last changed.</param>
/// <param name="FramesReceived">Frames received since the reader started.</param>
/// <param name="Restarts">Times the source was (re)opened after a loss or a hang.</param>
/// <param name="LastFrameAt">Wall-clock arrival time of the newest frame, if any.</param>
public sealed record CameraStatus(
    CameraState State,
    string? Reason,
    DateTimeOffset Since,
    long FramesReceived,
    int Restarts,
    DateTimeOffset? LastFrameAt)
{
    /// <summary>Stream latency and how the newest frame's production time was found; null before the first frame.</summary>
    public StreamLatencyReading? Latency { get; init; }
}
