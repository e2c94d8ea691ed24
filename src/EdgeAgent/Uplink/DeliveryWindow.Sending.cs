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
    /// image's chunks before its record, on the one connection), capped by the broker's Receive Maximum. 1: each
    /// publish waits for its PUBACK, as before. 12 ahead was measured slower on this host's loopback broker (PUBACK-only
    /// drain of 3,000 records at load average 3–6: 1,142 and 1,292 records/s against 2,003 and 2,353 with 1;
    /// docs/deploy.md); measured again with 2 and 4 ahead (3,000 records, load 9–13: 991 and 1,526, 750 and 568 records/s
    /// against 1,958 and 2,026 with 1), and with 4 ahead on a broker with <c>set_tcp_nodelay true</c> (no better), so not
    /// Nagle's algorithm delaying PUBACKs; raise it only with a measurement on a link with a real round trip, where it should pay.
    /// </summary>
    public const int PublishesAhead = 1;

    private readonly Lock acknowledging = new();

    private int publishesAhead = PublishesAhead;

    /// <summary>Publishes sent ahead of their PUBACKs on this connection: <see cref="PublishesAhead"/>, or fewer when the broker's Receive Maximum is lower.</summary>
    public int PublishesAheadNow => publishesAhead;

    private async Task<bool> SendPendingAsync(IMqttClient client, Dictionary<long, DeliveryItem> fresh, CancellationToken cancellationToken)
    {
        var pending = inFlight.Values.Where(r => r.HasWork).ToList();
        if (pending.Count == 0)
        {
            ReturnAll(fresh.Values);
            return false;
        }

        var unacknowledged = new Queue<Task>();

        // Buffers handed to publishes go back to the pool only once no publish is outstanding (every one acknowledged):
        // MQTTnet may read a payload until its publish completes. After a failure they are left to the collector.
        var sent = new List<DeliveryItem>();
        long handedUpTo = 0;
        try
        {
            foreach (var record in pending)
            {
                handedUpTo = record.Sequence;
                if (fresh.TryGetValue(record.Sequence, out var item))
                {
                    sent.Add(item);
                    await SendAsync(client, record, item, unacknowledged, cancellationToken);
                    if (unacknowledged.Count == 0)
                    {
                        ReturnAll(sent); // one publish ahead: each is acknowledged before the next goes out
                        sent.Clear();
                    }

                    TopUpReadAhead();
                    continue;
                }

                // Read back from the outbox (the fill did not keep it): one at a time in memory, a clip is megabytes.
                await Task.WhenAll(unacknowledged);
                unacknowledged.Clear();
                ReturnAll(sent);
                sent.Clear();
                var found = await outbox.ReadForDeliveryAsync(record.Sequence - 1, 1, cancellationToken);
                if (found.Count == 0 || found[0].Sequence != record.Sequence)
                {
                    ReturnAll(found);
                    inFlight.Remove(record.Sequence); // completed by a late receipt meanwhile
                    continue;
                }

                sent.Add(found[0]);
                await SendAsync(client, record, found[0], unacknowledged, cancellationToken);
                await Task.WhenAll(unacknowledged);
                unacknowledged.Clear();
                ReturnAll(sent);
                sent.Clear();
            }

            await Task.WhenAll(unacknowledged);
            ReturnAll(sent);
        }
        finally
        {
            // On a failure, what was acknowledged is known before the window is touched again (a reconnect resumes from it).
            await Task.WhenAll(unacknowledged).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ReturnAll(fresh.Values.Where(i => i.Sequence > handedUpTo)); // never handed to a publish
            if (!broker.RequireReceipts)
            {
                // PUBACK is the end of the line: remove it with the next batch (a crash before that only resends).
                foreach (var record in pending.Where(r => !r.HasWork && inFlight.ContainsKey(r.Sequence)))
                {
                    inFlight.Remove(record.Sequence);
                    removals.Writer.TryWrite(new Removal(record.Sequence, record.RecordId, record.ImageBytes));
                }
            }
        }

        return true;
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
        if (unacknowledged.Count >= publishesAhead)
        {
            await unacknowledged.Dequeue();
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
