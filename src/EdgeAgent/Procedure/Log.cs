using Microsoft.Extensions.Logging;

namespace EdgeAgent.Procedure;

/// <summary>Every log message of this folder, with its block of event ids (docs/operations.md, "Log event ids").</summary>
internal static partial class Log
{
    // ProcedureTimerService
    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Finding at {PointId}: {Code}: {Message}")]
    public static partial void FindingRaised(ILogger logger, string pointId, string code, string message);

    // ProcedureStage
    [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "Trigger at {PointId} ({Kind}) could not be recorded")]
    public static partial void TriggerFailed(ILogger logger, Exception exception, string pointId, Triggers.TriggerKind kind);
}
