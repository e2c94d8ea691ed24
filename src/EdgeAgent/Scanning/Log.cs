using EdgeAgent.Triggers;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Scanning;

/// <summary>Every log message of this folder, with its block of event ids (docs/operations.md, "Log event ids").</summary>
internal static partial class Log
{
    // EvdevScanReader
    [LoggerMessage(EventId = 2121, Level = LogLevel.Debug, Message = "Scanner {ScannerId}: {Path} is not an input device (FIFO?); read without exclusive grab")]
    public static partial void NoGrab(ILogger logger, string scannerId, string path);

    [LoggerMessage(EventId = 2122, Level = LogLevel.Warning, Message = "Scanner {ScannerId}: exclusive grab of {Path} failed (errno {Errno}); another program may also see the scans")]
    public static partial void GrabFailed(ILogger logger, string scannerId, string path, int errno);

    // ScanRouter
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Scanner {ScannerId}: rejected a {Bytes}-byte line: {Reason}")]
    public static partial void Rejected(ILogger logger, string scannerId, int bytes, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Scanner {ScannerId}: {Length}-character scan matched no pattern; recorded, not acted on")]
    public static partial void Unmatched(ILogger logger, string scannerId, int length);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Scanner {ScannerId} at {PointId}: {Category} {Value}")]
    public static partial void Scanned(ILogger logger, string scannerId, string pointId, ScanCategory category, string value);

    // ScannerService
    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "Scanner {ScannerId} ({Kind}) opened {Path} (after an outage: {Reconnected})")]
    public static partial void Opened(ILogger logger, string scannerId, string kind, string path, bool reconnected);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Warning, Message = "Scanner {ScannerId}: {Path} hung up (unplugged?); reopening")]
    public static partial void HungUp(ILogger logger, string scannerId, string path);

    [LoggerMessage(EventId = 2113, Level = LogLevel.Warning, Message = "Scanner {ScannerId}: {Path} unavailable ({Reason}); retrying every {ReconnectMs} ms")]
    public static partial void Unavailable(ILogger logger, string scannerId, string path, string reason, int reconnectMs);
}
