namespace EdgeAgent.Protocol;

/// <summary>
/// How far the record's wall-clock times can be trusted: the kernel's NTP state, monotonic time since boot
/// and the boot it belongs to, and any jump of the wall clock against the monotonic clock.
/// </summary>
/// <param name="Synchronized">The kernel reports the clock as synchronised (adjtimex not TIME_ERROR, no STA_UNSYNC); null when unknown.</param>
/// <param name="MonotonicMs">Milliseconds since boot (CLOCK_MONOTONIC) when the record was made.</param>
/// <param name="BootId">The kernel's boot id; monotonic times compare only within one boot.</param>
/// <param name="MaxErrorUs">The kernel's maximum error estimate, microseconds; null when unknown.</param>
/// <param name="JumpMs">
/// Set when the wall clock moved against the monotonic clock by more than the threshold since the previous
/// record of this boot: positive is a forward jump, negative backward.
/// </param>
public sealed record ClockStamp(bool? Synchronized, long MonotonicMs, string? BootId, long? MaxErrorUs = null, long? JumpMs = null)
{
    /// <summary>True when times in the record can be taken at face value: synchronised and no jump.</summary>
    public bool Trusted => Synchronized == true && JumpMs is null;
}
