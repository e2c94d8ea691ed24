using System.Text.Json.Nodes;
using EdgeAgent.Tests.Uplink;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// Issue 19, the pipelined collector: records are read (validated, bound, hashed, signature checked) in parallel and
/// handled one at a time in arrival order, and still nothing is acknowledged or answered before its batch is durable.
/// </summary>
public sealed class PipelinedIntakeTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task A_batch_with_one_invalid_record_stores_and_acknowledges_the_others_and_refuses_the_invalid_one_once()
    {
        // Time stands still: the quiet-time timer never fires, so the 64 messages are exactly one batch.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestRecords.Start);
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = CollectorService.Open(
            new CollectorOptions { Broker = new BrokerOptions { Url = broker.Url }, OutputDirectory = temp.Combine("mixed"), ClientId = "mixed-collector", SubscriptionGroup = "edgeagent-collectors" },
            NullLogger<CollectorService>.Instance,
            time);
        var batches = new List<int>();
        collector.BatchCommitted += (_, count) =>
        {
            lock (batches)
            {
                batches.Add(count);
            }
        };
        await using var receipts = await MqttObserver.StartAsync(broker.Url, Topics.Receipt("dev-mixed"));
        await collector.StartAsync();
        await using var device = await RawDevice.ConnectAsync(broker.Url, "dev-mixed");

        const int Records = CollectorService.MaxBatch / 2;
        const int Bad = 10;
        var images = Enumerable.Range(1, Records).Select(i => TestRecords.Image(i)).ToList();
        var records = images.Select((image, i) => TestRecords.Unsigned(i + 1, EvidenceSignature.GenesisHash, image, deviceId: "dev-mixed")).ToList();
        for (var i = 0; i < Records; i++)
        {
            await device.PublishChunkAsync(records[i].RecordId, 0, 1, images[i]);
            var json = JsonNode.Parse(records[i].ToJson())!.AsObject();
            if (i == Bad)
            {
                json["schema"] = "edgeagent.evidence/99";
            }

            await device.PublishRecordAsync(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        }

        await receipts.WaitForAsync(Records, TimeSpan.FromSeconds(60));

        var answers = receipts.Messages.Select(m => Receipt.TryParse(m.Payload.FirstSpan)!).ToList();
        Assert.Equal([CollectorService.MaxBatch], batches);
        Assert.Equal(CollectorService.MaxBatch, collector.Acknowledged); // the invalid record too: never redelivered
        var refused = Assert.Single(answers, a => a.Status == ReceiptStatus.Rejected);
        Assert.Equal(records[Bad].RecordId, refused.RecordId);
        Assert.Contains("schema", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(Records - 1, answers.Count(a => a.Status == ReceiptStatus.Stored));
        Assert.Equal(1, collector.Intake.DeadLetters.Count);
        var stored = collector.Store.List().Select(p => EvidenceRecord.FromJson(collector.Store.Read(p.RecordKey)!).RecordId).ToHashSet();
        Assert.Equal(records.Where((_, i) => i != Bad).Select(r => r.RecordId).ToHashSet(), stored);
    }

    [Fact]
    public async Task While_a_batch_sync_is_blocked_nothing_of_it_is_acknowledged_answered_or_visible_in_the_store()
    {
        // Time stands still: the 64 messages are one batch, whose sync the test holds.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestRecords.Start);
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = CollectorService.Open(
            new CollectorOptions { Broker = new BrokerOptions { Url = broker.Url }, OutputDirectory = temp.Combine("blocked"), ClientId = "blocked-collector", SubscriptionGroup = "edgeagent-collectors" },
            NullLogger<CollectorService>.Instance,
            time);
        var store = Assert.IsType<EvidenceStore>(collector.Store);
        using var release = new ManualResetEventSlim();
        var syncing = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Syncing += (_, files) =>
        {
            syncing.TrySetResult(files);
            release.Wait(TimeSpan.FromMinutes(2)); // the sync waits for the test
        };
        await using var receipts = await MqttObserver.StartAsync(broker.Url, Topics.Receipt("dev-blocked"));
        await collector.StartAsync();
        await using var device = await RawDevice.ConnectAsync(broker.Url, "dev-blocked");

        const int Records = CollectorService.MaxBatch / 2;
        var images = Enumerable.Range(1, Records).Select(i => TestRecords.Image(i)).ToList();
        var records = images.Select((image, i) => TestRecords.Unsigned(i + 1, EvidenceSignature.GenesisHash, image, deviceId: "dev-blocked")).ToList();
        for (var i = 0; i < Records; i++)
        {
            await device.PublishChunkAsync(records[i].RecordId, 0, 1, images[i]);
            await device.PublishRecordAsync(records[i].ToJson());
        }

        var files = await syncing.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2 * Records, files); // an image and a record file for each record of the batch
        Assert.Equal(0, collector.Acknowledged);
        Assert.Equal(0, collector.StoredCount);
        Assert.Empty(receipts.Messages);
        Assert.Empty(collector.Store.List()); // ground truth on disk: no record file renamed into place yet

        release.Set();
        await receipts.WaitForAsync(Records, TimeSpan.FromSeconds(60));
        Assert.All(receipts.Messages, m => Assert.Equal(ReceiptStatus.Stored, Receipt.TryParse(m.Payload.FirstSpan)!.Status));
        Assert.Equal(Records, collector.Store.List().Count());
        Assert.Equal(2 * Records, collector.Acknowledged);
    }

    public void Dispose() => temp.Dispose();
}
