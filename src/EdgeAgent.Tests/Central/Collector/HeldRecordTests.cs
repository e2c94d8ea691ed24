using EdgeAgent.Tests.Uplink;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// Issue 19, two collectors on a shared subscription: a record whose chunk goes to the other collector often arrives
/// before that collector has staged it, and a batch or two later the chunk is there. Such a record is held (neither
/// acknowledged nor answered) until its chunks are staged, or for <see cref="CollectorOptions.IncompleteGrace"/>, instead
/// of being sent back <c>incomplete</c> at once. Here one collector gets the record before its chunk in a later batch;
/// time stands still, so batches commit only when full (64 messages, or 16 MiB) or when the test moves the clock.
/// </summary>
public sealed class HeldRecordTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task A_record_whose_chunks_are_staged_a_batch_later_is_held_then_stored_and_answered_once()
    {
        var time = new FakeTimeProvider(TestRecords.Start);
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = Open(broker, "held", time);
        var batches = new List<int>();
        collector.BatchCommitted += (_, count) =>
        {
            lock (batches)
            {
                batches.Add(count);
            }
        };
        await using var receipts = await MqttObserver.StartAsync(broker.Url, Topics.Receipt("dev-held"));
        await collector.StartAsync();
        await using var device = await RawDevice.ConnectAsync(broker.Url, "dev-held");

        // Batch 1 (full: 64 messages): the held record first, then 31 complete records and one more chunk.
        var big = RandomNumberGenerator.GetBytes(2 * (int)(CollectorService.MaxBatchBytes / 2));
        var held = TestRecords.Unsigned(1, EvidenceSignature.GenesisHash, big, deviceId: "dev-held");
        var fillers = FillerRecords("dev-held", CollectorService.MaxBatch / 2 - 1);
        await device.PublishRecordAsync(held.ToJson());
        foreach (var (record, image) in fillers)
        {
            await device.PublishChunkAsync(record.RecordId, 0, 1, image);
            await device.PublishRecordAsync(record.ToJson());
        }

        var extra = TestRecords.Image(99);
        await device.PublishChunkAsync(Guid.CreateVersion7(), 0, 1, extra);
        await receipts.WaitForAsync(fillers.Count, TimeSpan.FromSeconds(60));
        Assert.Equal([CollectorService.MaxBatch - 1], batches);
        Assert.Equal(CollectorService.MaxBatch - 1, collector.Acknowledged); // the held record is not acknowledged
        Assert.DoesNotContain(Answers(receipts), r => r.RecordId == held.RecordId);

        // Batch 2 (full by bytes: two 8 MiB chunks): the held record's chunks; it is stored with this batch.
        var half = big.Length / 2;
        await device.PublishChunkAsync(held.RecordId, 0, 2, big[..half]);
        await device.PublishChunkAsync(held.RecordId, 1, 2, big[half..]);
        await receipts.WaitForAsync(fillers.Count + 1, TimeSpan.FromSeconds(60));

        var answer = Assert.Single(Answers(receipts), r => r.RecordId == held.RecordId);
        Assert.Equal(ReceiptStatus.Stored, answer.Status);
        Assert.Equal([CollectorService.MaxBatch - 1, 3], batches);
        Assert.Equal(CollectorService.MaxBatch + 2, collector.Acknowledged);
        Assert.All(Answers(receipts), r => Assert.Equal(ReceiptStatus.Stored, r.Status));
        Assert.Equal(fillers.Count + 1, collector.Store.List().Count());
    }

    [Fact]
    public async Task A_held_record_whose_chunks_never_come_is_answered_incomplete_once_after_the_grace_time()
    {
        var time = new FakeTimeProvider(TestRecords.Start);
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = Open(broker, "expired", time);
        await using var receipts = await MqttObserver.StartAsync(broker.Url, Topics.Receipt("dev-expired"));
        await collector.StartAsync();
        await using var device = await RawDevice.ConnectAsync(broker.Url, "dev-expired");

        var orphan = TestRecords.Unsigned(1, EvidenceSignature.GenesisHash, TestRecords.Image(1), deviceId: "dev-expired");
        var fillers = FillerRecords("dev-expired", CollectorService.MaxBatch / 2 - 1);
        await device.PublishRecordAsync(orphan.ToJson());
        foreach (var (record, image) in fillers)
        {
            await device.PublishChunkAsync(record.RecordId, 0, 1, image);
            await device.PublishRecordAsync(record.ToJson());
        }

        await device.PublishChunkAsync(Guid.CreateVersion7(), 0, 1, TestRecords.Image(99));
        await receipts.WaitForAsync(fillers.Count, TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(Answers(receipts), r => r.RecordId == orphan.RecordId);
        Assert.Equal(CollectorService.MaxBatch - 1, collector.Acknowledged);

        time.Advance(TimeSpan.FromSeconds(30)); // past the grace time: the held record's timer commits it alone
        await receipts.WaitForAsync(fillers.Count + 1, TimeSpan.FromSeconds(60));

        var answer = Assert.Single(Answers(receipts), r => r.RecordId == orphan.RecordId);
        Assert.Equal(ReceiptStatus.Incomplete, answer.Status);
        Assert.Null(answer.Missing); // nothing staged: the device sends every chunk again
        Assert.Equal(CollectorService.MaxBatch, collector.Acknowledged);
        Assert.Equal(fillers.Count, collector.Store.List().Count());
    }

    private CollectorService Open(MosquittoProcess broker, string name, TimeProvider time) =>
        CollectorService.Open(
            new CollectorOptions { Broker = new BrokerOptions { Url = broker.Url }, OutputDirectory = temp.Combine(name), ClientId = name + "-collector", SubscriptionGroup = "edgeagent-collectors", IncompleteGrace = TimeSpan.FromSeconds(5) },
            NullLogger<CollectorService>.Instance,
            time);

    /// <summary>Complete records (one chunk each) after sequence 1, chained to nothing in particular (the chain is not what is tested).</summary>
    private static List<(EvidenceRecord Record, byte[] Image)> FillerRecords(string deviceId, int count) =>
        [.. Enumerable.Range(2, count).Select(i => TestRecords.Image(i)).Select((image, i) => (TestRecords.Unsigned(i + 2, EvidenceSignature.GenesisHash, image, deviceId: deviceId), image))];

    private static List<Receipt> Answers(MqttObserver receipts) => [.. receipts.Messages.Select(m => Receipt.TryParse(m.Payload.FirstSpan)!)];

    public void Dispose() => temp.Dispose();
}
