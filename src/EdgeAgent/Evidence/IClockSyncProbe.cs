namespace EdgeAgent.Evidence;

/// <summary>The OS reads behind clock trust, narrow so tests can feed them.</summary>
public interface IClockSyncProbe
{
    /// <summary>The kernel's view of NTP synchronisation now.</summary>
    ClockSyncState Read();

    /// <summary>This boot's id (<c>/proc/sys/kernel/random/boot_id</c>), or null when unavailable.</summary>
    string? BootId { get; }
}

/// <param name="Synchronized">False when adjtimex returns TIME_ERROR or STA_UNSYNC is set; null when the probe failed.</param>
/// <param name="MaxErrorUs">The kernel's maximum error, microseconds.</param>
public sealed record ClockSyncState(bool? Synchronized, long? MaxErrorUs);
