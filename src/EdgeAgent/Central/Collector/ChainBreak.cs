namespace EdgeAgent.Central.Collector;

/// <summary>
/// A stored record whose <c>prevHash</c> is not the hash of the device's stored record before it: kept (evidence
/// is never dropped) but flagged in the index, logged and raised as an event.
/// </summary>
public sealed record ChainBreak(string DeviceId, long Sequence, Guid RecordId, string Detail);
