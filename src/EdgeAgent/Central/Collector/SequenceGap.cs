namespace EdgeAgent.Central.Collector;

/// <summary>Sequence numbers <see cref="From"/>..<see cref="To"/> of a device never reached the collector.</summary>
public sealed record SequenceGap(string DeviceId, long From, long To);
