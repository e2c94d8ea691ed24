namespace EdgeAgent.Evidence;

/// <summary>
/// Stamps records with clock trust and detects clock jumps: between two samples the wall clock should
/// advance as much as the monotonic clock; a divergence beyond <see cref="JumpThreshold"/> either way
/// (NTP stepping a 1970 clock forward, an operator setting it back) is a jump.
/// </summary>
public sealed class ClockTrust(TimeProvider timeProvider, IClockSyncProbe probe)
{
    private readonly Lock gate = new();
    private (DateTimeOffset Wall, long Timestamp)? last;

    /// <summary>Divergence of wall against monotonic time that counts as a jump (NTP slews far less than this).</summary>
    public TimeSpan JumpThreshold { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The most recent jump detected, and when (wall clock after the jump).</summary>
    public (TimeSpan Jump, DateTimeOffset At)? LastJump { get; private set; }

    /// <summary>Raised when a jump is detected, with the signed size of the jump.</summary>
    public event EventHandler<TimeSpan>? JumpDetected;

    /// <summary>Samples both clocks and the kernel's sync state into a stamp for a record.</summary>
    public ClockStamp Sample()
    {
        var wall = timeProvider.GetUtcNow();
        var timestamp = timeProvider.GetTimestamp();
        var sync = probe.Read();
        TimeSpan? jump = null;
        lock (gate)
        {
            if (last is { } previous)
            {
                var divergence = (wall - previous.Wall) - timeProvider.GetElapsedTime(previous.Timestamp, timestamp);
                if (divergence.Duration() > JumpThreshold)
                {
                    jump = divergence;
                    LastJump = (divergence, wall);
                }
            }

            last = (wall, timestamp);
        }

        if (jump is { } detected)
        {
            JumpDetected?.Invoke(this, detected);
        }

        var monotonicMs = (long)(timestamp * 1000.0 / timeProvider.TimestampFrequency);
        return new ClockStamp(sync.Synchronized, monotonicMs, probe.BootId, sync.MaxErrorUs, jump is null ? null : (long)jump.Value.TotalMilliseconds);
    }
}
