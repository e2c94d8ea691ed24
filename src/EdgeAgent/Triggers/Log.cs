using Microsoft.Extensions.Logging;

namespace EdgeAgent.Triggers;

/// <summary>Every log message of this folder, with its block of event ids (docs/operations.md, "Log event ids").</summary>
internal static partial class Log
{
    // LockInputService
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Input {InputId} at point {PointId} reads {State} at start-up (gpiochip{Chip} line {Line}; no capture)")]
    public static partial void InitialState(ILogger logger, string inputId, string pointId, string state, int chip, int line);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Input {InputId} at point {PointId}: {Kind} ({Transition}, {LocksHeld} lock(s) on, source {Source})")]
    public static partial void Edge(ILogger logger, string inputId, string pointId, TriggerKind kind, LockGroupTransition transition, int locksHeld, string source);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Input {InputId} is chattering ({Edges} edges in {WindowMs} ms): reported faulty, no captures until quiet for {QuietMs} ms")]
    public static partial void Quarantined(ILogger logger, string inputId, int edges, int windowMs, int quietMs);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Input {InputId} has settled ({State}); captures resume")]
    public static partial void Released(ILogger logger, string inputId, string state);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Input {InputId} could not be read")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string inputId);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "Input {InputId} at point {PointId} could not be opened; it is reported faulty and fires nothing")]
    public static partial void OpenFailed(ILogger logger, Exception exception, string inputId, string pointId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Input {InputId}: bias \"{Bias}\" is not supported by the driver; opened without bias")]
    public static partial void BiasUnsupported(ILogger logger, string inputId, string bias);

    // LockStateStore
    [LoggerMessage(EventId = 2010, Level = LogLevel.Error, Message = "Lock state file {Path} is unreadable ({Reason}); moved to {Aside}, start-up changes cannot be detected this time")]
    public static partial void Unreadable(ILogger logger, string path, string aside, string reason);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Error, Message = "Could not save lock state to {Path}: {Reason}")]
    public static partial void SaveFailed(ILogger logger, string path, string reason);
}
