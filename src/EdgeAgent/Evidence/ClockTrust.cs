using EdgeAgent.Protocol;

namespace EdgeAgent.Evidence;

/// <summary>
/// Stamps records with clock trust and detects clock jumps: between two observations the wall clock should
/// advance as much as the monotonic clock; a divergence beyond <see cref="JumpThreshold"/> either way
/// (NTP stepping a 1970 clock forward, an operator setting it back) is a jump. NTP slewing moves both clocks
/// alike (CLOCK_MONOTONIC is slewed too), so it is never mistaken for a jump; a suspended board would be.
/// Health may <see cref="Check"/> as often as it likes: a jump it sees is still stamped into the next record.
/// </summary>
public sealed class ClockTrust(TimeProvider timeProvider, IClockSyncProbe probe)
{
    private readonly Lock gate = new();
    private (DateTimeOffset Wall, long Timestamp)? last;
    private TimeSpan? unrecorded;

    /// <summary>Divergence of wall against monotonic time that counts as a jump (NTP slews far less than this).</summary>
    public TimeSpan JumpThreshold { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The most recent jump detected, and when (wall clock after the jump).</summary>
    public (TimeSpan Jump, DateTimeOffset At)? LastJump { get; private set; }

    /// <summary>Raised when a jump is detected, with the signed size of the jump.</summary>
    public event EventHandler<TimeSpan>? JumpDetected;

    /// <summary>Samples both clocks and the kernel's sync state into a stamp for a record; carries any jump since the last record.</summary>
    public ClockStamp Sample()
    {
        var (sync, timestamp) = Observe();
        TimeSpan? jump;
        lock (gate)
        {
            jump = unrecorded;
            unrecorded = null;
        }

        var monotonicMs = (long)(timestamp * 1000.0 / timeProvider.TimestampFrequency);
        return new ClockStamp(sync.Synchronized, monotonicMs, probe.BootId, sync.MaxErrorUs, jump is null ? null : (long)jump.Value.TotalMilliseconds);
    }

    /// <summary>For health: the kernel's sync state now, also checking for a jump (see <see cref="LastJump"/>).</summary>
    public ClockSyncState Check() => Observe().Sync;

    private (ClockSyncState Sync, long Timestamp) Observe()
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
                    unrecorded = (unrecorded ?? TimeSpan.Zero) + divergence;
                }
            }

            last = (wall, timestamp);
        }

        if (jump is { } detected)
        {
            JumpDetected?.Invoke(this, detected);
        }

        return (sync, timestamp);
    }
}
