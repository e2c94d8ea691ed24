using EdgeAgent.Evidence;

namespace EdgeAgent.Health;

/// <param name="Synchronised">The kernel's clock is disciplined (STA_UNSYNC clear, state not TIME_ERROR).</param>
/// <param name="MaxErrorMs">The kernel's maximum error, when synchronised.</param>
/// <param name="Source">How it was determined.</param>
public sealed record ClockSync(bool Synchronised, double? MaxErrorMs, string Source)
{
    /// <summary>The health view of the same kernel reading the evidence records use (<see cref="IClockSyncProbe"/>).</summary>
    public static ClockSync From(ClockSyncState state) => state.Synchronized switch
    {
        null => new ClockSync(false, null, "adjtimex unavailable"),
        true => new ClockSync(true, state.MaxErrorUs / 1000.0, "adjtimex"),
        false => new ClockSync(false, null, "adjtimex"),
    };
}
