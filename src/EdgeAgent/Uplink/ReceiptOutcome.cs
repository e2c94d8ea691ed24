using EdgeAgent.Protocol;

namespace EdgeAgent.Uplink;

/// <summary>A receipt applied to a record in flight: what the collector did, and when the record's trigger edge was (for latency).</summary>
public sealed record ReceiptOutcome(long Sequence, ReceiptStatus Status, DateTimeOffset? EdgeTime, long ImageBytes)
{
    /// <summary>Stored now or before: the record left the outbox.</summary>
    public bool Final => Status is ReceiptStatus.Stored or ReceiptStatus.Duplicate;
}
