namespace EdgeAgent.Outbox;

/// <summary>Outbox health. Anything but <see cref="Ok"/> is critical: evidence may not be leaving or may not be stored.</summary>
public enum OutboxState
{
    Ok,

    /// <summary>Evidence waiting for receipts exceeds its quota (the collector is unreachable for long).</summary>
    QuotaExceeded,

    /// <summary>The last append failed for lack of disk space.</summary>
    DiskFull,
}
