using EdgeAgent.Tests.Uplink;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// Issue 19, pipelined group commit: the collector handles the next batch while one syncs, and still acknowledges and
/// answers a batch only after it is durable, in order. Ground truth: the store's files on disk and a second index
/// connection on the same database, as another process would read it.
/// </summary>
public sealed class PipelinedCommitTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task While_a_batch_syncs_the_next_one_is_handled_and_neither_is_acknowledged_until_each_is_durable()
    {
        // Time stands still: the quiet-time timer never fires, so a batch is sealed only when full (64 messages).
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestRecords.Start);
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = CollectorService.Open(
            new CollectorOptions { Broker = new BrokerOptions { Url = broker.Url }, OutputDirectory = temp.Combine("pipelined"), ClientId = "pipelined-collector", SubscriptionGroup = "edgeagent-collectors" },
            NullLogger<CollectorService>.Instance,
            time);
        Assert.True(collector.Intake.SupportsPipelinedCommit);
        var store = Assert.IsType<EvidenceStore>(collector.Store);
        using var release = new ManualResetEventSlim();
        var syncs = 0;
        var firstSync = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Syncing += (_, _) =>
        {
            Interlocked.Increment(ref syncs);
            firstSync.TrySetResult();
            release.Wait(TimeSpan.FromMinutes(2)); // every sync waits for the test
        };
        const int Records = CollectorService.MaxBatch; // two batches of a chunk and a record each
        var handled = 0;
        var allHandled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        collector.Handled += () =>
        {
            if (Interlocked.Increment(ref handled) == 2 * Records)
            {
                allHandled.TrySetResult();
            }
        };
        var batches = new List<int>();
        collector.BatchCommitted += (_, count) =>
        {
            lock (batches)
            {
                batches.Add(count);
            }
        };
        await using var receipts = await MqttObserver.StartAsync(broker.Url, Topics.Receipt("dev-pipelined"));
        await collector.StartAsync();
        await using var device = await RawDevice.ConnectAsync(broker.Url, "dev-pipelined");
        var images = Enumerable.Range(1, Records).Select(i => TestRecords.Image(i)).ToList();
        var records = images.Select((image, i) => TestRecords.Unsigned(i + 1, EvidenceSignature.GenesisHash, image, deviceId: "dev-pipelined")).ToList();

        for (var i = 0; i < Records; i++)
        {
            await device.PublishChunkAsync(records[i].RecordId, 0, 1, images[i]);
            await device.PublishRecordAsync(records[i].ToJson());
        }

        await firstSync.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await allHandled.Task.WaitAsync(TimeSpan.FromSeconds(60)); // the second batch, handled while the first syncs

        Assert.Equal(1, Volatile.Read(ref syncs)); // the second waits for the first
        Assert.All(records, r => Assert.True(collector.Intake.Index.Contains(r.RecordId))); // a resend now would be a duplicate
        using (var database = CollectorIndex.Open(temp.Combine("pipelined")))
        {
            Assert.All(records, r => Assert.False(database.Contains(r.RecordId))); // nothing indexed durably yet
        }

        Assert.Empty(collector.Store.List()); // no record file renamed into place
        Assert.Equal(0, collector.Acknowledged);
        Assert.Empty(receipts.Messages);

        release.Set();
        await receipts.WaitForAsync(Records, TimeSpan.FromSeconds(60));

        Assert.Equal([CollectorService.MaxBatch, CollectorService.MaxBatch], batches);
        Assert.Equal(2, Volatile.Read(ref syncs));
        Assert.Equal(2 * Records, collector.Acknowledged);
        Assert.All(receipts.Messages, m => Assert.Equal(ReceiptStatus.Stored, Receipt.TryParse(m.Payload.FirstSpan)!.Status));
        Assert.Equal(records.Select(r => r.RecordId).Order(), collector.Store.List().Select(p => EvidenceRecord.FromJson(collector.Store.Read(p.RecordKey)!).RecordId).Order());
        using var durable = CollectorIndex.Open(temp.Combine("pipelined"));
        Assert.Equal(Records, durable.CountByDevice()["dev-pipelined"]);
        Assert.Empty(durable.Gaps("dev-pipelined"));
        Assert.Equal(0, ((PipelinedIndex)collector.Intake.Index).PendingRows);
    }

    public void Dispose() => temp.Dispose();
}
