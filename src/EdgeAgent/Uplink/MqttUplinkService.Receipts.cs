using System.Buffers;
using EdgeAgent.Protocol;

namespace EdgeAgent.Uplink;

public sealed partial class MqttUplinkService
{
    /// <summary>
    /// A message on the receipt topic: a single receipt (<see cref="Receipt"/>) or a batch (<see cref="ReceiptBatch"/>),
    /// both accepted from any collector. A batch is judged as one receipt: when it is not a batch (too big, not JSON,
    /// wrong schema, too many entries) or not trusted (signature, other device) it is ignored, logged and counted once,
    /// exactly as a bad single receipt; otherwise each entry goes to the window as the single receipt it stands for.
    /// </summary>
    private void OnReceiptMessage(ReadOnlySequence<byte> payload)
    {
        var bytes = payload.Length <= ReceiptBatch.MaxBytes ? payload.ToArray() : [];
        if (ReceiptBatch.IsBatch(bytes))
        {
            if (ReceiptBatch.TryParse(bytes) is { } batch)
            {
                if (ReceiptTrust.Problem(bytes, batch) is { } problem)
                {
                    Log.UntrustedReceipt(logger, batch.Receipts[0].Sequence, $"{batch.Receipts.Count}-record batch", problem, ReceiptTrust.Untrusted);
                }
                else
                {
                    foreach (var receipt in batch.ToReceipts())
                    {
                        Window.OnReceipt(receipt);
                    }
                }

                return;
            }
        }
        else if (Receipt.TryParse(bytes) is { } receipt)
        {
            if (ReceiptTrust.Problem(bytes, receipt) is { } problem)
            {
                Log.UntrustedReceipt(logger, receipt.Sequence, receipt.Status.ToString(), problem, ReceiptTrust.Untrusted);
            }
            else
            {
                Window.OnReceipt(receipt);
            }

            return;
        }

        Log.BadReceipt(logger, payload.Length);
    }
}
