namespace EdgeAgent.Outbox;

/// <summary>A record waiting for delivery: its serialized JSON and its image.</summary>
public sealed record OutboxItem(long Sequence, Guid RecordId, byte[] Record, byte[] Image, int Attempts);
