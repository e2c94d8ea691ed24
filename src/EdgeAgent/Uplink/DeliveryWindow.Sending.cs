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
    private async Task<bool> SendPendingAsync(IMqttClient client, Dictionary<long, OutboxItem> fresh, CancellationToken cancellationToken)
    {
        var sent = false;
        foreach (var record in inFlight.Values.Where(r => r.HasWork).ToList())
        {
            if (!fresh.TryGetValue(record.Sequence, out var item))
            {
                var found = await outbox.PeekAfterAsync(record.Sequence - 1, 1, cancellationToken);
                if (found.Count == 0 || found[0].Sequence != record.Sequence)
                {
                    inFlight.Remove(record.Sequence); // completed by a late receipt meanwhile
                    continue;
                }

                item = found[0];
            }

            await SendAsync(client, record, item, cancellationToken);
            sent = true;
        }

        return sent;
    }

    /// <summary>The chunks' content type: <c>video/mp4</c> for a clip record (its <c>clip</c> member set), else <c>image/jpeg</c>.</summary>
    private static string ChunkContentType(OutboxItem item)
    {
        try
        {
            return EvidenceRecord.FromJson(item.Record).Clip is null ? "image/jpeg" : ClipStamp.ContentType;
        }
        catch (System.Text.Json.JsonException)
        {
            return "image/jpeg"; // the collector judges the record itself
        }
    }

    private async Task SendAsync(IMqttClient client, InFlightRecord record, OutboxItem item, CancellationToken cancellationToken)
    {
        var chunkSize = record.ChunkSize;
        var recordId = Encoding.UTF8.GetBytes(item.RecordId.ToString());
        var count = Encoding.UTF8.GetBytes(record.ChunkCount.ToString(CultureInfo.InvariantCulture));
        var contentType = ChunkContentType(item);
        while (record.NextChunk is { } index)
        {
            var offset = index * chunkSize;
            await PublishAsync(client, new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Image(deviceId))
                .WithPayload(new ArraySegment<byte>(item.Image, offset, Math.Min(chunkSize, item.Image.Length - offset)))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithContentType(contentType)
                .WithUserProperty(Topics.Properties.RecordId, recordId)
                .WithUserProperty(Topics.Properties.ChunkIndex, Encoding.UTF8.GetBytes(index.ToString(CultureInfo.InvariantCulture)))
                .WithUserProperty(Topics.Properties.ChunkCount, count)
                .Build(), cancellationToken);
            record.ChunkAcknowledged(index);
        }

        await PublishAsync(client, new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Evidence(deviceId))
            .WithPayload(item.Record)
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), cancellationToken);
        var now = timeProvider.GetUtcNow();
        record.RecordAcknowledged(now);
        LastAcknowledgedAt = now;
        if (!broker.RequireReceipts)
        {
            // PUBACK is the end of the line: remove it with the next batch (a crash before that only resends).
            inFlight.Remove(record.Sequence);
            acknowledgedOnly.Add((record.Sequence, record.RecordId));
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
