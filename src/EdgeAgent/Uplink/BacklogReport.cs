using Microsoft.Extensions.Logging;

namespace EdgeAgent.Uplink;

/// <summary>
/// Turns a backlog's many events into a few log lines. While no receipts come back, the first resend round is
/// logged and later ones are only counted (with a reminder a minute), so one outage is not 44 identical warnings.
/// A drain (a backlog at connect, or when receipts return) logs its start, progress every 10 s, and one summary:
/// records, bytes and time.
/// </summary>
public sealed partial class BacklogReport(ILogger logger, TimeProvider timeProvider)
{
    private static readonly TimeSpan Reminder = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);
    private Streak? streak;
    private Drain? drain;

    /// <summary>Records sent again because their receipts are overdue.</summary>
    public void Resending(IReadOnlyList<long> sequences, double timeoutSeconds)
    {
        var now = timeProvider.GetUtcNow();
        if (streak is null)
        {
            streak = new Streak(now) { LastLogged = now };
            Log.ResendStarted(logger, sequences.Count, sequences[0], timeoutSeconds);
        }
        else if (now - streak.LastLogged >= Reminder)
        {
            streak.LastLogged = now;
            Log.ResendContinues(logger, streak.Resends + sequences.Count, (now - streak.Since).TotalSeconds);
        }

        streak.Resends += sequences.Count;
    }

    /// <summary>Connected, or receipts arrived: ends a resend streak, and starts a drain when records are waiting.</summary>
    public void Flowing(long depth, long bytes)
    {
        var now = timeProvider.GetUtcNow();
        if (streak is { } ended)
        {
            streak = null;
            Log.ResendEnded(logger, ended.Resends, (now - ended.Since).TotalSeconds);
        }

        if (drain is null && depth > 0)
        {
            drain = new Drain(now, depth) { LastLogged = now };
            Log.DrainStarted(logger, depth, bytes);
        }
    }

    /// <summary>Records left the outbox; <paramref name="remaining"/> are still waiting.</summary>
    public void Delivered(int records, long bytes, long remaining)
    {
        if (drain is not { } d)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        d.Records += records;
        d.Bytes += bytes;
        if (remaining == 0)
        {
            drain = null;
            var seconds = Math.Max(0.001, (now - d.Since).TotalSeconds);
            Log.DrainFinished(logger, d.Records, d.Bytes, seconds, d.Records / seconds);
        }
        else if (now - d.LastLogged >= ProgressEvery)
        {
            d.LastLogged = now;
            Log.DrainProgress(logger, d.Records, remaining, d.Bytes, (now - d.Since).TotalSeconds);
        }
    }

    private sealed record Streak(DateTimeOffset Since)
    {
        public int Resends { get; set; }

        public DateTimeOffset LastLogged { get; set; }
    }

    private sealed record Drain(DateTimeOffset Since, long Waiting)
    {
        public long Records { get; set; }

        public long Bytes { get; set; }

        public DateTimeOffset LastLogged { get; set; }
    }

    private static partial class Log
    {
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
    }
}
