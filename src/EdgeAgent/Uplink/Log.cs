using Microsoft.Extensions.Logging;

namespace EdgeAgent.Uplink;

/// <summary>Every log message of this folder, with its block of event ids (docs/operations.md, "Log event ids").</summary>
internal static partial class Log
{
    // BacklogReport
    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "No receipt within {Seconds} s for {Count} record(s) from #{First}; sending them again (further resends are counted until receipts return)")]
    public static partial void ResendStarted(ILogger logger, int count, long first, double seconds);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Warning, Message = "Still no receipts: {Resends} resends in {Seconds:0} s; is the collector running?")]
    public static partial void ResendContinues(ILogger logger, int resends, double seconds);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Information, Message = "Receipts are back after {Resends} resend(s) over {Seconds:0.0} s")]
    public static partial void ResendEnded(ILogger logger, int resends, double seconds);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Information, Message = "Draining the outbox: {Records} record(s), {Bytes} bytes waiting")]
    public static partial void DrainStarted(ILogger logger, long records, long bytes);

    [LoggerMessage(EventId = 5017, Level = LogLevel.Information, Message = "Draining: {Delivered} delivered, {Remaining} left, {Bytes} image bytes in {Seconds:0} s")]
    public static partial void DrainProgress(ILogger logger, long delivered, long remaining, long bytes, double seconds);

    [LoggerMessage(EventId = 5018, Level = LogLevel.Information, Message = "Drain finished: {Records} records, {Bytes} image bytes in {Seconds:0.0} s ({Rate:0.0} records/s)")]
    public static partial void DrainFinished(ILogger logger, long records, long bytes, double seconds, double rate);

    // CommandResponder
    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "Command {Command}: ok={Ok} {Error}")]
    public static partial void Handled(ILogger logger, string command, bool ok, string error);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Warning, Message = "Could not answer a command: {Reason}")]
    public static partial void ResponseFailed(ILogger logger, string reason);

    // DeliveryWindow
    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Collector lacks {Missing} chunk(s) of record #{Sequence}; resending them")]
    public static partial void Incomplete(ILogger logger, long sequence, int missing);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "Image chunks are {ChunkBytes} bytes: the broker accepts packets up to {MaximumPacketSize} bytes (Broker:MaxChunkBytes is {Configured})")]
    public static partial void ChunkSize(ILogger logger, int chunkBytes, uint maximumPacketSize, int configured);

    [LoggerMessage(EventId = 5019, Level = LogLevel.Warning, Message = "{Count} receipted record(s) could not be removed yet: {Reason}")]
    public static partial void RemovalDeferred(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "Collector rejected record #{Sequence}: {Reason}; kept in the outbox and retried after the receipt timeout")]
    public static partial void Rejected(ILogger logger, long sequence, string reason);

    // FindingAlertPublisher
    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Finding {Code} at {Point} queued as an alert")]
    public static partial void Queued(ILogger logger, string code, string point);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "Finding {Code} at {Point} could not be queued as an alert: {Reason}")]
    public static partial void QueueFailed(ILogger logger, string code, string point, string reason);

    // MqttUplinkService
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Connected to broker {Broker}")]
    public static partial void Connected(ILogger logger, string broker);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Broker {Broker} unavailable: {Reason}; retrying in {Seconds:0.0} s")]
    public static partial void Disconnected(ILogger logger, string broker, string reason, double seconds);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "INSECURE: evidence goes to {Broker} without TLS (Broker:AllowInsecure is set)")]
    public static partial void InsecureBroker(ILogger logger, string broker);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "Broker refused subscription to {Topic}: {Reason}; receipts or commands will not arrive (check the ACL)")]
    public static partial void SubscribeRefused(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Ignored a '{Status}' receipt for record #{Sequence}: {Reason} ({Count} untrusted receipts since start)")]
    public static partial void UntrustedReceipt(ILogger logger, long sequence, string status, string reason, long count);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "INSECURE: receipts are trusted without a collector signature (Broker:AllowUnsignedReceipts); any client that may write this device's receipt topic can delete its evidence")]
    public static partial void UnsignedReceipts(ILogger logger);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "Stopping: retained status set to offline, disconnecting")]
    public static partial void WentOffline(ILogger logger);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Stopping: could not set the retained status to offline ({Reason}); the broker keeps 'online' until the session expires")]
    public static partial void OfflineNotPublished(ILogger logger, string reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Ignored a {Bytes}-byte message on the receipt topic that is not a receipt")]
    public static partial void BadReceipt(ILogger logger, long bytes);
}
