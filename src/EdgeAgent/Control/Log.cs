using Microsoft.Extensions.Logging;

namespace EdgeAgent.Control;

/// <summary>Every log message of this folder, with its block of event ids (docs/operations.md, "Log event ids").</summary>
internal static partial class Log
{
    // CommissionReference
    [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Camera {CameraId}: reference view commissioned (sharpness {Sharpness}, brightness {Brightness}; replaced an earlier one: {Replaced})")]
    public static partial void Commissioned(ILogger logger, string cameraId, double sharpness, double brightness, bool replaced);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Warning, Message = "Camera {CameraId}: reference view refused: {Reason}")]
    public static partial void Refused(ILogger logger, string cameraId, string reason);
}
