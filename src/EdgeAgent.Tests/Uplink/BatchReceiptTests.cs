using System.Collections.Concurrent;
using EdgeAgent.Tests.Outbox;
using EdgeAgent.Uplink;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.Tests.Uplink;

/// <summary>
/// Batch receipts (<see cref="ReceiptBatch"/>, schema <c>edgeagent.receipts/1</c>): one signed message per device and
/// group commit instead of one per record. A real device (outbox, uplink) and real mosquitto; the answers come from
/// the real collector or from a test client signing with the real collector key.
/// </summary>
public sealed class BatchReceiptTests : IDisposable
{
    private const string Device = "dev-1";
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task The_real_collector_answers_an_announcing_device_with_signed_batches_that_drain_its_outbox()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var (privateKey, publicKey) = CollectorKey();
        await using var device = new UplinkHarness(temp.Combine("device"), broker.Url, b => b.CollectorKeys = [publicKey], deviceId: Device);
        await EvidenceFixtures.AppendAsync(device.Outbox, 40, 2048, deviceId: Device);
        var receipts = new ConcurrentQueue<byte[]>();
        var entries = 0;
        var allSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var spy = await SubscribeAsync(broker.Url, "spy", Topics.Receipt(Device), m =>
        {
            var payload = Bytes(m);
            receipts.Enqueue(payload);
            if (Interlocked.Add(ref entries, ReceiptBatch.TryParse(payload)?.Receipts.Count ?? 1) >= 40)
            {
                allSeen.TrySetResult();
            }
        });
        await using var collector = new CollectorHarness(temp.Combine("store"), new BrokerOptions { Url = broker.Url }, receiptKeyFile: privateKey);
        await collector.StartAsync();

        await device.StartAsync();
        await device.WaitUntilDrainedAsync(TimeSpan.FromSeconds(60));
        await allSeen.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the spy has every receipt the device got

        Assert.Equal(40, collector.Stored.Select(r => r.RecordId).Distinct().Count());
        Assert.Equal(0, device.Uplink.ReceiptTrust.Untrusted);
        var batches = receipts.Where(r => ReceiptBatch.IsBatch(r)).Select(r => ReceiptBatch.TryParse(r)!).ToList();
        Assert.NotEmpty(batches); // a backlog drain commits many records per batch: they are answered together
        Assert.All(batches, b => Assert.InRange(b.Receipts.Count, 2, ReceiptBatch.MaxEntries));
        Assert.All(batches, b => Assert.Equal(Device, b.DeviceId));
    }

    [Fact]
    public async Task An_entry_whose_sequence_belongs_to_another_record_is_not_applied_while_the_rest_of_the_batch_is()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var (privateKey, publicKey) = CollectorKey();
        using var key = DeviceKey.LoadOrCreateFile(privateKey);
        await using var device = new UplinkHarness(temp.Combine("device"), broker.Url, b => b.CollectorKeys = [publicKey], deviceId: Device);
        var records = await EvidenceFixtures.AppendAsync(device.Outbox, 5, 2048, deviceId: Device);
        await using var collector = await FakeCollector.StartAsync(broker.Url);
        var delivered = DeliveredAtLeast(device, 4);

        await device.StartAsync();
        await collector.WaitForRecordsAsync(5);
        var entries = records.Select(r => Entry(r, ReceiptStatus.Stored)).ToList();
        entries[2] = entries[2] with { Sequence = records[3].Sequence }; // the third record's id with the fourth's number
        await collector.PublishAsync(Sign(new ReceiptBatch { DeviceId = Device, Receipts = entries }, key).ToJson());
        await delivered;

        var left = await device.Outbox.PeekAsync(10);
        Assert.Equal(records[2].RecordId, Assert.Single(left).RecordId);
        Assert.Equal(0, device.Uplink.ReceiptTrust.Untrusted); // a mismatched entry is not a forgery: the batch verified
        Assert.Equal(0, collector.Unannounced);
    }

    [Fact]
    public async Task A_tampered_batch_or_one_for_another_device_removes_nothing_and_is_counted_as_an_untrusted_receipt()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var (privateKey, publicKey) = CollectorKey();
        using var key = DeviceKey.LoadOrCreateFile(privateKey);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var log = new ListLogger<MqttUplinkService>();
        await using var device = new UplinkHarness(temp.Combine("device"), broker.Url, b => b.CollectorKeys = [publicKey], deviceId: Device, logger: log);
        var records = await EvidenceFixtures.AppendAsync(device.Outbox, 6, 2048, deviceId: Device);
        await using var collector = await FakeCollector.StartAsync(broker.Url);
        var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        device.Uplink.ReceiptTrust.Refused += (_, count) =>
        {
            if (count >= 4)
            {
                refused.TrySetResult();
            }
        };

        await device.StartAsync();
        await collector.WaitForRecordsAsync(6);
        var genuine = new ReceiptBatch { DeviceId = Device, Receipts = [.. records.Select(r => Entry(r, ReceiptStatus.Stored))] };
        var signed = Sign(genuine with { Receipts = [.. genuine.Receipts.Select(e => e with { Status = ReceiptStatus.Rejected })] }, key);
        await collector.PublishAsync((signed with { Receipts = genuine.Receipts }).ToJson()); // signed 'rejected', altered to 'stored'
        await collector.PublishAsync(Sign(genuine with { DeviceId = "dev-2" }, key).ToJson()); // another device's, replayed
        await collector.PublishAsync(Sign(genuine, stranger).ToJson()); // not an enrolled key
        await collector.PublishAsync(genuine.ToJson()); // unsigned
        await refused.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(6, (await device.Outbox.StatsAsync()).Count);
        Assert.Null(device.Uplink.Window.LastReceiptAt);
        Assert.Equal(4, device.Uplink.ReceiptTrust.Untrusted); // once per message, as a single receipt
        Assert.Equal(4, log.Lines.Count(l => l.EventId == 5006));
        Assert.Contains(log.Lines, l => l.EventId == 5006 && l.Message.Contains("not 'dev-1'", StringComparison.Ordinal));

        await collector.PublishAsync(Sign(genuine, key).ToJson());
        await device.WaitUntilDrainedAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Incomplete_and_rejected_entries_of_a_batch_act_as_single_receipts_do()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var (privateKey, publicKey) = CollectorKey();
        using var key = DeviceKey.LoadOrCreateFile(privateKey);
        var log = new ListLogger<MqttUplinkService>();
        // No overdue resends during the test: a second chunk of a record can only come from its 'incomplete' entry.
        await using var device = new UplinkHarness(temp.Combine("device"), broker.Url, b =>
        {
            b.CollectorKeys = [publicKey];
            b.ReceiptTimeoutSeconds = 600;
        }, deviceId: Device, logger: log);
        var records = await EvidenceFixtures.AppendAsync(device.Outbox, 3, 2048, deviceId: Device);
        await using var collector = await FakeCollector.StartAsync(broker.Url);
        var delivered = DeliveredAtLeast(device, 1);

        await device.StartAsync();
        await collector.WaitForRecordsAsync(3);
        var resent = collector.WaitForRecordMessagesAsync(records[1].RecordId, 2);
        await collector.PublishAsync(Sign(new ReceiptBatch
        {
            DeviceId = Device,
            Receipts = [Entry(records[0], ReceiptStatus.Stored), Entry(records[1], ReceiptStatus.Incomplete) with { Missing = [0] }, Entry(records[2], ReceiptStatus.Rejected) with { Reason = "image SHA-256 mismatch" }],
        }, key).ToJson());
        await delivered;
        await resent.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, collector.Chunks(records[1].RecordId)); // its missing chunk again, then the record
        Assert.Equal(1, collector.Chunks(records[2].RecordId)); // rejected: kept, not resent before the receipt timeout
        Assert.Equal([records[1].RecordId, records[2].RecordId], (await device.Outbox.PeekAsync(10)).Select(i => i.RecordId));
        Assert.Contains(log.Lines, l => l.EventId == 5012 && l.Message.Contains($"#{records[2].Sequence}: image SHA-256 mismatch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_oversize_or_malformed_batch_is_ignored_and_logged_as_a_bad_receipt()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var (privateKey, publicKey) = CollectorKey();
        using var key = DeviceKey.LoadOrCreateFile(privateKey);
        var log = new ListLogger<MqttUplinkService>();
        await using var device = new UplinkHarness(temp.Combine("device"), broker.Url, b => b.CollectorKeys = [publicKey], deviceId: Device, logger: log);
        var records = await EvidenceFixtures.AppendAsync(device.Outbox, 2, 2048, deviceId: Device);
        await using var collector = await FakeCollector.StartAsync(broker.Url);
        var delivered = DeliveredAtLeast(device, 1);

        await device.StartAsync();
        await collector.WaitForRecordsAsync(2);
        var first = Entry(records[0], ReceiptStatus.Stored);
        var tooMany = Sign(new ReceiptBatch { DeviceId = Device, Receipts = [first, .. Enumerable.Range(0, ReceiptBatch.MaxEntries).Select(i => first with { RecordId = Guid.CreateVersion7(), Sequence = 1000 + i })] }, key).ToJson();
        var padding = new string('x', 800);
        var tooBig = Sign(new ReceiptBatch { DeviceId = Device, Receipts = [first, .. Enumerable.Range(0, 62).Select(i => first with { RecordId = Guid.CreateVersion7(), Sequence = 1000 + i, Status = ReceiptStatus.Rejected, Reason = padding })] }, key).ToJson();
        var cut = Sign(new ReceiptBatch { DeviceId = Device, Receipts = [first] }, key).ToJson()[..^10];
        Assert.InRange(tooBig.Length, ReceiptBatch.MaxBytes + 1, (int)MqttUplinkService.MaximumPacketSize - 1024); // the broker still delivers it
        foreach (var bad in new[] { tooMany, tooBig, cut, "{\"schema\":\"edgeagent.receipts/1\",\"receipts\":[]}"u8.ToArray() })
        {
            await collector.PublishAsync(bad);
        }

        // Delivered in order after the bad ones: once it is applied, they have all been judged.
        await collector.PublishAsync(Sign(new ReceiptBatch { DeviceId = Device, Receipts = [Entry(records[1], ReceiptStatus.Stored), first with { Sequence = 999 }] }, key).ToJson());
        await delivered;

        Assert.Equal(records[0].RecordId, Assert.Single(await device.Outbox.PeekAsync(10)).RecordId);
        Assert.Equal(4, log.Lines.Count(l => l.EventId == 5005));
        Assert.Equal(0, device.Uplink.ReceiptTrust.Untrusted);
    }

    [Fact]
    public void Batches_are_packed_within_the_entry_and_byte_bounds_and_the_announcement_names_the_schema()
    {
        Assert.Equal(ReceiptBatch.SchemaV1, System.Text.Encoding.UTF8.GetString(ReceiptBatch.Announcement.Span));
        Receipt Stored(int i, string? reason = null) => new() { RecordId = Guid.CreateVersion7(), Sequence = i, Status = reason is null ? ReceiptStatus.Stored : ReceiptStatus.Rejected, Reason = reason };

        Assert.Equal([64, 64, 2], ReceiptBatch.Pack([.. Enumerable.Range(1, 130).Select(i => Stored(i))]).Select(g => g.Count));
        var big = ReceiptBatch.Pack([.. Enumerable.Range(1, 64).Select(i => Stored(i, new string('x', 1000)))]);
        Assert.True(big.Count > 1);
        Assert.Equal(Enumerable.Range(1, 64).Select(i => (long)i), big.SelectMany(g => g).Select(r => r.Sequence)); // in order, each once
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.All(big, g => Assert.InRange(Sign(new ReceiptBatch { DeviceId = "a-device-id-of-sixty-four-characters-aaaaaaaaaaaaaaaaaaaaaaaaaaa", Receipts = g.ConvertAll(ReceiptBatch.Entry.From) }, key).ToJson().Length, 1, ReceiptBatch.MaxBytes));
        Assert.False(ReceiptBatch.IsBatch(Stored(1).ToJson()));
        Assert.False(ReceiptBatch.IsBatch("not json"u8));
    }

    private static ReceiptBatch.Entry Entry(EvidenceRecord record, ReceiptStatus status) => new() { RecordId = record.RecordId, Sequence = record.Sequence, Status = status };

    private static ReceiptBatch Sign(ReceiptBatch batch, ECDsa key) => ReceiptSignature.Sign(batch, key);

    private static ReceiptBatch Sign(ReceiptBatch batch, DeviceKey key) => ReceiptSignature.Sign(batch, key.Key);

    private static Task DeliveredAtLeast(UplinkHarness device, int count)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var total = 0;
        device.Uplink.Window.Delivered += (_, n) =>
        {
            if (Interlocked.Add(ref total, n) >= count)
            {
                done.TrySetResult();
            }
        };
        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static byte[] Bytes(MqttApplicationMessage message) => System.Buffers.BuffersExtensions.ToArray(message.Payload);

    private static async Task<IMqttClient> SubscribeAsync(string url, string clientId, string topic, Action<MqttApplicationMessage> onMessage)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += args =>
        {
            onMessage(args.ApplicationMessage);
            return Task.CompletedTask;
        };
        await client.ConnectAsync(MqttConnectionFactory.Build(new BrokerOptions { Url = url }, clientId));
        await client.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        return client;
    }

    private (string PrivateKey, string PublicKey) CollectorKey()
    {
        var privateKey = temp.Combine("collector-receipt-key.pem");
        using var key = DeviceKey.LoadOrCreateFile(privateKey);
        var publicKey = temp.Combine("collector.pub.pem");
        File.WriteAllText(publicKey, key.PublicKeyPem);
        return (privateKey, publicKey);
    }

    public void Dispose() => temp.Dispose();

    /// <summary>Reads the device's chunks and records, and publishes whatever receipt payload a test makes.</summary>
    private sealed class FakeCollector : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<Guid, int> chunks = new();
        private readonly ConcurrentDictionary<Guid, int> records = new();
        private readonly List<(Func<bool> Done, TaskCompletionSource Signal)> waiters = [];
        private IMqttClient client = null!;
        private int unannounced;

        /// <summary>Record messages without the batch-receipt announcement (the device puts it on every one).</summary>
        public int Unannounced => Volatile.Read(ref unannounced);

        public static async Task<FakeCollector> StartAsync(string url)
        {
            var collector = new FakeCollector();
            collector.client = await SubscribeAsync(url, "fake-collector", $"{Topics.Root}/{Device}/+", collector.OnMessage);
            return collector;
        }

        public int Chunks(Guid recordId) => chunks.GetValueOrDefault(recordId);

        public Task WaitForRecordsAsync(int count) => WaitAsync(() => records.Count >= count);

        public Task WaitForRecordMessagesAsync(Guid recordId, int count) => WaitAsync(() => records.GetValueOrDefault(recordId) >= count);

        public async Task PublishAsync(byte[] payload) =>
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Receipt(Device)).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        private void OnMessage(MqttApplicationMessage message)
        {
            if (message.Topic == Topics.Image(Device))
            {
                chunks.AddOrUpdate(Guid.Parse(message.UserProperties!.Single(p => p.Name == Topics.Properties.RecordId).ReadValueAsString()), 1, (_, n) => n + 1);
            }
            else if (message.Topic == Topics.Evidence(Device))
            {
                if (!ReceiptBatch.Announced(message.UserProperties))
                {
                    Interlocked.Increment(ref unannounced);
                }

                records.AddOrUpdate(EvidenceRecord.FromJson(Bytes(message)).RecordId, 1, (_, n) => n + 1);
            }

            lock (waiters)
            {
                foreach (var waiter in waiters.Where(w => w.Done()))
                {
                    waiter.Signal.TrySetResult();
                }
            }
        }

        private Task WaitAsync(Func<bool> done)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (waiters)
            {
                waiters.Add((done, signal));
                if (done())
                {
                    signal.TrySetResult();
                }
            }

            return signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public async ValueTask DisposeAsync()
        {
            await client.DisconnectAsync();
            client.Dispose();
        }
    }
}
