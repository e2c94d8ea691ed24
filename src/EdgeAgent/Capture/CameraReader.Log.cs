using Microsoft.Extensions.Logging;

namespace EdgeAgent.Capture;

/// <summary>Camera reader events: 3001-3019.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Camera {CameraId} connected: {Source}")]
    public static partial void Connected(ILogger logger, string cameraId, string source);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Camera {CameraId} ({Source}) lost: {Reason}; reconnecting in {Seconds:0.0} s")]
    public static partial void Reconnecting(ILogger logger, string cameraId, string source, string reason, double seconds);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Camera {CameraId}: frames now dated by {Basis} (stream latency {LatencyMs} ms, p95 {P95Ms} ms; {Rejected} camera times not trusted so far)")]
    public static partial void BasisChanged(ILogger logger, string cameraId, string basis, double? latencyMs, double? p95Ms, long rejected);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Camera {CameraId} ({Source}) gave no frame for {Seconds:0.#} s: restarting its source")]
    public static partial void Hung(ILogger logger, string cameraId, string source, double seconds);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Camera {CameraId}: the health sample keyframe did not decode: {Reason}")]
    public static partial void SampleFailed(ILogger logger, string cameraId, string reason);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Warning, Message = "Camera {CameraId}: decoding ahead of a trigger's photo stopped: {Reason}")]
    public static partial void PrefeedFailed(ILogger logger, string cameraId, string reason);

    // GstreamerPacketSource
    [LoggerMessage(EventId = 3115, Level = LogLevel.Warning, Message = "Camera {Source}: GStreamer packet reader says: {Line}")]
    public static partial void PacketReaderSays(ILogger logger, string source, string line);

    // RingClipSource
    [LoggerMessage(EventId = 3131, Level = LogLevel.Warning, Message = "Camera {CameraId}: no clip, the ring holds nothing produced in [{From:HH:mm:ss.fff}, {To:HH:mm:ss.fff}]")]
    public static partial void NothingHeld(ILogger logger, string cameraId, DateTimeOffset from, DateTimeOffset to);
}
