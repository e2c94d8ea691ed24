namespace EdgeAgent.Health;

public sealed record BrokerHealth(string Url, bool Connected, DateTimeOffset? LastAcknowledgedAt)
{
    /// <summary>Receipts not acted on since start: unsigned, or not signed by an enrolled collector key for this device.</summary>
    public long UntrustedReceipts { get; init; }

    /// <summary>False when receipts are trusted without a signature (<c>Broker:AllowUnsignedReceipts</c>).</summary>
    public bool ReceiptsSigned { get; init; } = true;
}
