using System.Globalization;
using System.Text;
using EdgeAgent.Outbox;
using EdgeAgent.Protocol;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Uplink;

/// <summary>Publishing: each record's missing chunks then the record, telemetry when no evidence waits; PUBACK reason codes checked.</summary>
public sealed partial class DeliveryWindow
{
    /// <summary>
    /// QoS 1 publishes sent ahead of their PUBACKs (a sliding window; messages still go out in sequence order, each
    /// image's chunks before its record, on the one connection), capped by the broker's Receive Maximum. Earlier sessions
    /// kept 1 (12, then 2 and 4 ahead were slower in records/s on this host's loopback broker, docs/deploy.md). Measured
    /// again by CPU per record with pooled image buffers (2-core VM shared with other builds, load 7–15, 3,000 records,
    /// interleaved): end to end (<c>--e2e-only</c>, bench process ms per record) 4 ahead 2.93, 2.73, 2.93 against 3.13,
    /// 2.89, 3.24 with 1 and 3.41, 3.22 with 2 (records/s 147, 289, 290 against 290, 299, 245 with 1); PUBACK-only drain
    /// 0.73 and 0.83 ms against 1.08 and 0.83 with 1. 4 used less CPU in every pair; records/s was within the noise.
    /// </summary>
    public const int PublishesAhead = 4;

    private readonly Lock acknowledging = new();

    private int publishesAhead = PublishesAhead;

    /// <summary>Publishes queued and publishes completed (in order) so far on this window; see <see cref="ReturnSettled"/>.</summary>
    private long publishesQueued, publishesSettled;

    /// <summary>Publishes sent ahead of their PUBACKs on this connection: <see cref="PublishesAhead"/>, or fewer when the broker's Receive Maximum is lower.</summary>
    public int PublishesAheadNow => publishesAhead;

    /// <summary>Image bytes read back at a time for records sent again (their buffers went back to the pool after the first send).</summary>
    private const long ReadBackBytes = 2 * 1024 * 1024;

    /// <summary>
    /// One round: what is owed first (resends after a reconnect, an overdue receipt or missing chunks), then new records,
    /// each entering the window as it is sent, until the window is full (receipts applied), a window's worth entered, or
    /// the outbox has nothing more; false when there was nothing to send. Publishes are pipelined
    /// (<see cref="PublishesAhead"/>) across records and all settle only at the end.
    /// </summary>
    private async Task<bool> SendPendingAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var resending = inFlight.Values.Where(r => r.HasWork).ToList();
        var entered = new List<InFlightRecord>();
        var unacknowledged = new Queue<Task>();

        // A buffer goes back to the pool only once every publish of its record completed (MQTTnet may read a payload
        // until then): publishes settle in order, so a record is done when the count settled reaches its last publish.
        // After a failure its buffer is left to the garbage collector.
        var sent = new Queue<(DeliveryItem Item, long LastPublish)>();
        try
        {
            await ResendAsync(client, resending, unacknowledged, sent, cancellationToken);
            while (entered.Count < broker.MaxInFlightRecords && HasRoom() && await NextAsync(cancellationToken) is { } item)
            {
                var record = Enter(item);
                entered.Add(record);
                await SendAsync(client, record, item, unacknowledged, cancellationToken);
                sent.Enqueue((item, publishesQueued));
                ReturnSettled(sent);
                TopUpReadAhead();
            }

            await SettleAllAsync(unacknowledged);
            ReturnSettled(sent);
            ReadAhead(); // also when the window is full: the next records are in memory when receipts make room
        }
        finally
        {
            // On a failure, what was acknowledged is known before the window is touched again (a reconnect resumes from it).
            await Task.WhenAll(unacknowledged).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!broker.RequireReceipts)
            {
                // PUBACK is the end of the line: remove it with the next batch (a crash before that only resends).
                foreach (var record in resending.Concat(entered).Where(r => !r.HasWork && inFlight.ContainsKey(r.Sequence)))
                {
                    inFlight.Remove(record.Sequence);
                    removals.Writer.TryWrite(new Removal(record.Sequence, record.RecordId, record.ImageBytes));
                }
            }
        }

        return resending.Count > 0 || entered.Count > 0;
    }

    /// <summary>
    /// Whether another record fits in the window; receipts that came in meanwhile are applied first, so the window
    /// refills and the round goes on while the collector keeps up (at most one window of new records per round, then
    /// what is overdue is looked at again). Before, receipts waited for the end of the round: with the window full,
    /// 51 ms (p50, 3,000-record drain) with the collector idle.
    /// </summary>
    private bool HasRoom()
    {
        if (receipts.Reader.Count > 0)
        {
            ApplyReceipts();
        }

        return inFlight.Count < broker.MaxInFlightRecords;
    }

    /// <summary>
    /// Sends records again, read back from the outbox in batches of up to <see cref="ReadBackBytes"/> of images (at least
    /// one record), pipelined as the first send. Before, each was read back alone after every publish before it settled.
    /// </summary>
    private async Task ResendAsync(IMqttClient client, List<InFlightRecord> records, Queue<Task> unacknowledged, Queue<(DeliveryItem Item, long LastPublish)> sent, CancellationToken cancellationToken)
    {
        for (var start = 0; start < records.Count;)
        {
            var (end, bytes) = (start + 1, (long)records[start].ImageBytes);
            while (end < records.Count && bytes + records[end].ImageBytes <= ReadBackBytes)
            {
                bytes += records[end++].ImageBytes;
            }

            var batch = records[start..end];
            var found = (await outbox.ReadForDeliveryAsync([.. batch.Select(r => r.Sequence)], cancellationToken)).ToDictionary(i => i.Sequence);
            try
            {
                foreach (var record in batch)
                {
                    if (!found.Remove(record.Sequence, out var item))
                    {
                        inFlight.Remove(record.Sequence); // completed by a late receipt meanwhile
                        continue;
                    }

                    await SendAsync(client, record, item, unacknowledged, cancellationToken);
                    sent.Enqueue((item, publishesQueued));
                    ReturnSettled(sent);
                }
            }
            finally
            {
                ReturnAll(found.Values); // never handed to a publish
            }

            start = end;
        }
    }

    /// <summary>Publishes a record's missing chunks then the record, without waiting for their PUBACKs beyond <see cref="PublishesAhead"/>.</summary>
    private async Task SendAsync(IMqttClient client, InFlightRecord record, DeliveryItem item, Queue<Task> unacknowledged, CancellationToken cancellationToken)
    {
        var chunkSize = record.ChunkSize;
        var recordId = Encoding.UTF8.GetBytes(item.RecordId.ToString());
        var count = Encoding.UTF8.GetBytes(record.ChunkCount.ToString(CultureInfo.InvariantCulture));
        IReadOnlyList<int> chunks;
        lock (acknowledging)
        {
            chunks = record.ChunksToSend;
        }

        foreach (var index in chunks)
        {
            var offset = index * chunkSize;
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Image(deviceId))
                .WithPayload(item.Image.Slice(offset, Math.Min(chunkSize, item.ImageLength - offset)))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithContentType(record.ContentType)
                .WithUserProperty(Topics.Properties.RecordId, recordId)
                .WithUserProperty(Topics.Properties.ChunkIndex, Encoding.UTF8.GetBytes(index.ToString(CultureInfo.InvariantCulture)))
                .WithUserProperty(Topics.Properties.ChunkCount, count)
                .Build();
            await AheadAsync(unacknowledged, AcknowledgedAsync(client, message, () => record.ChunkAcknowledged(index), cancellationToken));
        }

        var evidence = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Evidence(deviceId))
            .WithPayload(item.Record)
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithUserProperty(Topics.Properties.Receipts, ReceiptBatch.Announcement) // this device also takes batch receipts
            .Build();
        await AheadAsync(unacknowledged, AcknowledgedAsync(client, evidence, () =>
        {
            var now = timeProvider.GetUtcNow();
            record.RecordAcknowledged(now);
            LastAcknowledgedAt = now;
        }, cancellationToken));
    }

    /// <summary>Queues a publish; waits for the oldest PUBACK when <see cref="PublishesAheadNow"/> are outstanding.</summary>
    private async Task AheadAsync(Queue<Task> unacknowledged, Task publish)
    {
        unacknowledged.Enqueue(publish);
        publishesQueued++;
        if (unacknowledged.Count >= publishesAhead)
        {
            await unacknowledged.Dequeue();
            publishesSettled++;
        }
    }

    /// <summary>Waits for every queued publish; throws if one failed.</summary>
    private async Task SettleAllAsync(Queue<Task> unacknowledged)
    {
        await Task.WhenAll(unacknowledged);
        unacknowledged.Clear();
        publishesSettled = publishesQueued;
    }

    /// <summary>Gives back the buffers of records whose publishes have all completed, oldest first.</summary>
    private void ReturnSettled(Queue<(DeliveryItem Item, long LastPublish)> sent)
    {
        while (sent.TryPeek(out var oldest) && oldest.LastPublish <= publishesSettled)
        {
            sent.Dequeue().Item.Return();
        }
    }

    /// <summary>Publishes; on its PUBACK (success only) records it under the lock, as PUBACKs arrive on MQTTnet's receive side.</summary>
    private async Task AcknowledgedAsync(IMqttClient client, MqttApplicationMessage message, Action acknowledged, CancellationToken cancellationToken)
    {
        await PublishAsync(client, message, cancellationToken);
        lock (acknowledging)
        {
            acknowledged();
        }
    }

    /// <summary>Evidence first: telemetry goes only when no evidence is waiting to be sent.</summary>
    private async Task<bool> SendTelemetryAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        if (Telemetry is null)
        {
            return false;
        }

        var batch = Telemetry.Peek(16);
        foreach (var (id, subtopic, payload) in batch)
        {
            await PublishAsync(client, new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Queued(deviceId, subtopic))
                .WithPayload(payload)
                .WithContentType("application/json")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), cancellationToken);
            Telemetry.Remove(id);
        }

        return batch.Count > 0;
    }

    private static async Task PublishAsync(IMqttClient client, MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var result = await client.PublishAsync(message, cancellationToken);
        if (!result.IsSuccess)
        {
            // A refused message (quota, packet too large, not authorized) is an error, never a success.
            throw new MqttPublishRefusedException(message.Topic, result.ReasonCode.ToString(), result.ReasonString);
        }
    }
}
