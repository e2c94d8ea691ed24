namespace EdgeAgent.Health;

/// <param name="Synchronised">The kernel's clock is disciplined (STA_UNSYNC clear, state not TIME_ERROR).</param>
/// <param name="EstimatedErrorMs">The kernel's estimated error, when synchronised.</param>
/// <param name="Source">How it was determined.</param>
public sealed record ClockSync(bool Synchronised, double? EstimatedErrorMs, string Source);
