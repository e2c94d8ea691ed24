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

    /// <summary>Whether a drain is being reported (started, not yet finished).</summary>
    public bool IsDraining => drain is not null;

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
}
