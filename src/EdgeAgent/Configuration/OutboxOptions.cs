using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Configuration;

/// <summary>Limits of the on-device outbox (config section <c>Outbox</c>). See docs/reliability.md for the policy.</summary>
public sealed class OutboxOptions
{
    /// <summary>
    /// Evidence bytes waiting for receipts above which the agent reports a critical health state and an
    /// alert. Evidence is still accepted while the disk has room: it is never dropped.
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long EvidenceQuotaBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Bytes of queued telemetry and health messages; the oldest go first past it.</summary>
    [Range(1024, long.MaxValue)]
    public long TelemetryQuotaBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Disk space kept back on the state directory's file system (a reserve file held while there is room): evidence
    /// never uses it, and it is given up when the disk fills, so that receipts can still remove records and health
    /// and state files can still be written. 0 keeps no reserve.
    /// </summary>
    [Range(0, 1L << 40)]
    public long ReserveBytes { get; set; } = 1024 * 1024;

    /// <summary>Telemetry older than this is dropped unsent: stale health is noise.</summary>
    [Range(1, 30 * 24 * 3600)]
    public int TelemetryTtlSeconds { get; set; } = 24 * 3600;
}
