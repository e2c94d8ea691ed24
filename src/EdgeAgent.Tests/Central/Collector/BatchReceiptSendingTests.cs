using System.Collections.Concurrent;
using EdgeAgent.Tests.Outbox;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// The collector answers with a batch receipt only the record messages that announce it (user property
/// <c>receipts: edgeagent.receipts/1</c>); devices in the field that do not announce it keep getting single receipts,
/// even when their records share a group commit with an announcing device's.
/// </summary>
public sealed class BatchReceiptSendingTests : IDisposable
{
    private const int Records = 12;
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task An_old_device_gets_single_receipts_while_an_announcing_device_in_the_same_batches_gets_signed_batches()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = new CollectorHarness(temp.Combine("store"), new BrokerOptions { Url = broker.Url });
        await collector.StartAsync();
        var received = new ConcurrentQueue<(string Device, byte[] Payload)>();
        var entries = 0;
        var allAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var spy = new MqttClientFactory().CreateMqttClient();
        spy.ApplicationMessageReceivedAsync += args =>
        {
            var payload = System.Buffers.BuffersExtensions.ToArray(args.ApplicationMessage.Payload);
            received.Enqueue((Topics.DeviceOf(args.ApplicationMessage.Topic)!, payload));
            if (Interlocked.Add(ref entries, ReceiptBatch.TryParse(payload)?.Receipts.Count ?? 1) >= 2 * Records)
            {
                allAnswered.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await spy.ConnectAsync(MqttConnectionFactory.Build(new BrokerOptions { Url = broker.Url }, "spy"));
        await spy.SubscribeAsync(Topics.AllReceipts, MqttQualityOfServiceLevel.AtLeastOnce);
        using var device = new MqttClientFactory().CreateMqttClient();
        await device.ConnectAsync(MqttConnectionFactory.Build(new BrokerOptions { Url = broker.Url }, "devices"));

        // Both devices' messages at once, so the collector commits them in shared batches.
        var publishes = new List<Task>();
        for (var i = 1; i <= Records; i++)
        {
            publishes.AddRange(Send(device, "old-1", i, announce: false));
            publishes.AddRange(Send(device, "new-1", i, announce: true));
        }

        await Task.WhenAll(publishes).WaitAsync(TimeSpan.FromSeconds(60));
        await allAnswered.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var keys = new Dictionary<string, ECDsa> { [collector.Service.ReceiptKey.KeyId] = collector.Service.ReceiptKey.Key };
        var old = received.Where(r => r.Device == "old-1").Select(r => r.Payload).ToList();
        var seen = string.Join("; ", received.Select(r => $"{r.Device}: {System.Text.Encoding.UTF8.GetString(r.Payload)[..Math.Min(120, r.Payload.Length)]}"));
        Assert.True(Records == old.Count, seen); // one single receipt per record, as before
        Assert.All(old, p => Assert.Null(ReceiptSignature.Check(p, Receipt.TryParse(p)!, "old-1", keys)));
        var batches = received.Where(r => r.Device == "new-1" && ReceiptBatch.IsBatch(r.Payload)).Select(r => (r.Payload, Batch: ReceiptBatch.TryParse(r.Payload)!)).ToList();
        Assert.NotEmpty(batches);
        Assert.All(batches, b => Assert.Null(ReceiptSignature.Check(b.Payload, b.Batch, "new-1", keys)));
        var singles = received.Where(r => r.Device == "new-1" && !ReceiptBatch.IsBatch(r.Payload)).Select(r => Receipt.TryParse(r.Payload)!).ToList();
        var answered = batches.SelectMany(b => b.Batch.ToReceipts()).Concat(singles).Select(r => r.Sequence).Order();
        Assert.Equal(Enumerable.Range(1, Records).Select(i => (long)i), answered); // every record answered once, none twice
        Assert.All(batches.SelectMany(b => b.Batch.Receipts), e => Assert.Equal(ReceiptStatus.Stored, e.Status));
        Assert.Equal(2 * Records, collector.Stored.Count);
    }

    /// <summary>The chunk then the record of one record with a one-chunk image, not awaited (published in this order).</summary>
    private static IEnumerable<Task> Send(IMqttClient client, string deviceId, int sequence, bool announce)
    {
        var image = EvidenceFixtures.Image(1_000 + sequence);
        var record = EvidenceFixtures.Record(sequence, image, deviceId);
        var chunk = new MqttApplicationMessageBuilder().WithTopic(Topics.Image(deviceId)).WithPayload(image).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithUserProperty(Topics.Properties.RecordId, System.Text.Encoding.UTF8.GetBytes(record.RecordId.ToString()))
            .WithUserProperty(Topics.Properties.ChunkIndex, "0"u8.ToArray())
            .WithUserProperty(Topics.Properties.ChunkCount, "1"u8.ToArray())
            .Build();
        var message = new MqttApplicationMessageBuilder().WithTopic(Topics.Evidence(deviceId)).WithPayload(record.ToJson()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (announce)
        {
            message.WithUserProperty(Topics.Properties.Receipts, ReceiptBatch.Announcement);
        }

        yield return client.PublishAsync(chunk);
        yield return client.PublishAsync(message.Build());
    }

    public void Dispose() => temp.Dispose();
}
