using Microsoft.Extensions.Logging;

namespace EdgeAgent.Capture.Rtsp;

/// <summary>Managed RTSP client events: 3141-3149. URLs are redacted (<see cref="Configuration.CameraUrl.Redact"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3141, Level = LogLevel.Information, Message = "Camera {Source}: playing {Encoding} (payload {PayloadType}, {ClockRate} Hz, {ParameterSets} parameter sets in the SDP), session timeout {TimeoutSeconds} s")]
    public static partial void Playing(ILogger logger, string source, string encoding, int payloadType, int clockRate, int parameterSets, int timeoutSeconds);

    [LoggerMessage(EventId = 3142, Level = LogLevel.Information, Message = "Camera {Source} sends {Encoding}, which the managed RTSP client does not read: handing over to the GStreamer packet reader")]
    public static partial void HandingOver(ILogger logger, string source, string encoding);

    [LoggerMessage(EventId = 3143, Level = LogLevel.Warning, Message = "Camera {Source}: {Lost} RTP packets lost so far; {Dropped} units dropped until the next keyframe")]
    public static partial void PacketsLost(ILogger logger, string source, long lost, long dropped);

    [LoggerMessage(EventId = 3144, Level = LogLevel.Debug, Message = "Camera {Source}: keepalive answered {Status} {Reason}")]
    public static partial void KeepaliveAnswer(ILogger logger, string source, int status, string reason);
}
