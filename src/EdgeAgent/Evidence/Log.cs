using EdgeAgent.Protocol;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Evidence;

/// <summary>Every log message of this folder, with its block of event ids (docs/operations.md, "Log event ids").</summary>
internal static partial class Log
{
    // EvidenceRecorder.Late
    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Camera {CameraId} gave no frame within {Seconds} s after step {StepId}; no late photo")]
    public static partial void LatePhotoGivenUp(ILogger logger, string cameraId, string stepId, int seconds);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Late photo of camera {CameraId} for step {StepId} could not be recorded")]
    public static partial void LatePhotoFailed(ILogger logger, Exception exception, string cameraId, string stepId);

    // EvidenceRecorder
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Record #{Sequence} at {PointId}, step {StepId}, camera {CameraId}: {Role} photo produced {OffsetMs} ms from the trigger (negative = before), basis {Basis}, holder {Holder}")]
    public static partial void Recorded(ILogger logger, long sequence, string pointId, string stepId, string cameraId, FrameRole role, double offsetMs, ProducedBasis basis, string holder);


    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Camera {CameraId} gave no frame: {Reason}")]
    public static partial void CameraMissing(ILogger logger, string cameraId, string reason);

    // EvidenceRecorder.Clips
    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Record #{Sequence} at {PointId}, step {StepId}, camera {CameraId}: clip of {Frames} frames ({Bytes} bytes) produced from {FirstMs} to {LastMs} ms from the trigger")]
    public static partial void ClipRecorded(ILogger logger, long sequence, string pointId, string stepId, string cameraId, int frames, int bytes, double firstMs, double lastMs);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "No clip from camera {CameraId} for step {StepId}: {Reason}")]
    public static partial void ClipUnavailable(ILogger logger, string cameraId, string stepId, string reason);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Error, Message = "Clip of camera {CameraId} for step {StepId} could not be cut or recorded")]
    public static partial void ClipFailed(ILogger logger, Exception exception, string cameraId, string stepId);
}
