using EdgeAgent.Protocol;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Central.Collector;

public sealed partial class CollectorService
{
    /// <summary>
    /// The receipts of a committed batch (durable: called only after its sync). A device whose record messages
    /// announced batch receipts (<see cref="ReceiptBatch.Announced"/>) gets one signed <see cref="ReceiptBatch"/> for
    /// all its records of the batch (more when they exceed <see cref="ReceiptBatch.MaxEntries"/> or
    /// <see cref="ReceiptBatch.MaxBytes"/>); every other record, and a batch of one, gets its single receipt as before.
    /// </summary>
    private Task SendReceiptsAsync(IReadOnlyList<Acknowledgement> answered)
    {
        var sends = new List<Task>();
        foreach (var device in answered.GroupBy(a => a.DeviceId!, StringComparer.Ordinal))
        {
            var batched = new List<Receipt>();
            foreach (var acknowledgement in device)
            {
                if (ReceiptBatch.Announced(acknowledgement.Message.ApplicationMessage.UserProperties))
                {
                    batched.Add(acknowledgement.Receipt!);
                }
                else
                {
                    sends.Add(SendReceiptAsync(device.Key, acknowledgement.Receipt!));
                }
            }

            foreach (var group in ReceiptBatch.Pack(batched))
            {
                sends.Add(group.Count == 1 ? SendReceiptAsync(device.Key, group[0]) : SendReceiptBatchAsync(device.Key, group));
            }
        }

        return Task.WhenAll(sends);
    }

    private async Task SendReceiptBatchAsync(string deviceId, List<Receipt> receipts)
    {
        try
        {
            var batch = new ReceiptBatch { DeviceId = deviceId, Receipts = receipts.ConvertAll(ReceiptBatch.Entry.From) };
            var signed = ReceiptSignature.Sign(batch, ReceiptKey.Key);
            await client.PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic(Topics.Receipt(deviceId)).WithPayload(signed.ToJson()).WithContentType("application/json").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.ReceiptFailed(logger, deviceId, receipts[0].Sequence, $"batch of {receipts.Count} receipts: {ex.Message}");
        }
    }
}
