namespace EdgeAgent.Tests.Uplink;

/// <summary>What a message on a receipt topic answers, for tests watching the wire: a single receipt, or each entry of a batch.</summary>
public static class ReceiptPayload
{
    public static IEnumerable<Receipt> Entries(ReadOnlySpan<byte> payload) =>
        ReceiptBatch.IsBatch(payload) ? ReceiptBatch.TryParse(payload)!.ToReceipts() : [Receipt.TryParse(payload)!];
}
