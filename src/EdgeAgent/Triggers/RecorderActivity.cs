namespace EdgeAgent.Triggers;

/// <summary>
/// What the recorder is doing now, for the watchdog: a recorder stuck on one trigger (a hung encode or disk
/// write) must stop the systemd watchdog even when no further trigger queues up behind it.
/// </summary>
public sealed class RecorderActivity(TimeProvider timeProvider)
{
    private long handlingSince;

    /// <summary>How long the trigger being handled now has taken, or null when the recorder is idle.</summary>
    public TimeSpan? Busy => Volatile.Read(ref handlingSince) is var since and not 0 ? timeProvider.GetElapsedTime(since) : null;

    public void Begin() => Volatile.Write(ref handlingSince, timeProvider.GetTimestamp());

    public void End() => Volatile.Write(ref handlingSince, 0);
}
