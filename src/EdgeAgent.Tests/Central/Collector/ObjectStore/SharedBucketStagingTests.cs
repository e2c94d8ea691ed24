using System.Collections.Concurrent;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeAgent.Central.Collector.ObjectStore;
using Xunit.Abstractions;

namespace EdgeAgent.Tests.Central.Collector.ObjectStore;

/// <summary>
/// Two collectors in one shared-subscription group on one real mosquitto, storing to one Ceph bucket and indexing into one
/// PostgreSQL, each with its own local directory (no shared file system): the chunks meet their records in the bucket.
/// Images go in chunks of 2 KiB, so the broker's round robin spreads each record's chunks over both members (with one
/// chunk per record, it handed each device's chunks and records to the same member, and local staging passed too).
/// </summary>
[Collection(CephCollection.Name)]
public sealed class SharedBucketStagingTests(CephFixture ceph, PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IDisposable
{
    private const int TriggersPerDevice = 8;
    private const int Expected = 2 * TriggersPerDevice;
    private readonly AmazonS3Client admin = CephBuckets.Client(ceph.Server);

    [Fact]
    public async Task Two_collectors_with_separate_local_directories_store_every_record_once_through_chunks_staged_in_the_bucket()
    {
        using var temp = new TempDirectory();
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        await using var broker = await MosquittoProcess.StartAsync();
        var database = await postgres.Server.CreateDatabaseAsync();

        var stored = new ConcurrentQueue<EvidenceRecord>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var a = Collector(broker, temp.Combine("collector-a"), "collector-a", database, bucket);
        await using var b = Collector(broker, temp.Combine("collector-b"), "collector-b", database, bucket);
        foreach (var collector in new[] { a, b })
        {
            collector.RecordStored += (_, record) =>
            {
                stored.Enqueue(record);
                if (stored.Count >= Expected)
                {
                    all.TrySetResult();
                }
            };
            await collector.StartAsync();
        }

        Assert.EndsWith("/.staging/", a.Intake.Staging.Location, StringComparison.Ordinal);
        await using (var agent1 = await SharedSubscriptionTests.StartAgentAsync(temp, broker, "device-1", receiptTimeoutSeconds: 120, maxChunkBytes: 2048))
        await using (var agent2 = await SharedSubscriptionTests.StartAgentAsync(temp, broker, "device-2", receiptTimeoutSeconds: 120, maxChunkBytes: 2048))
        {
            for (var i = 0; i < TriggersPerDevice; i++)
            {
                SharedSubscriptionTests.Trigger(agent1);
                SharedSubscriptionTests.Trigger(agent2);
            }

            await all.Task.WaitAsync(TimeSpan.FromSeconds(90));
            await agent1.StopAsync();
            await agent2.StopAsync();
        }

        output.WriteLine($"collector-a stored {a.StoredCount}, collector-b stored {b.StoredCount}");
        Assert.Equal(Expected, stored.Select(r => r.RecordId).Distinct().Count());
        Assert.Equal(Expected, a.StoredCount + b.StoredCount);
        using (var index = EvidenceIndexFactory.Open(new EvidenceIndexOptions { Provider = EvidenceIndexOptions.PostgreSql, ConnectionString = database }, temp.Combine("check"), "test"))
        {
            Assert.Equal(new Dictionary<string, long> { ["device-1"] = TriggersPerDevice, ["device-2"] = TriggersPerDevice }, index.CountByDevice());
            Assert.Empty(index.Gaps("device-1"));
            Assert.Empty(index.Gaps("device-2"));
        }

        a.Intake.Staging.WaitForBackgroundWork(); // staged chunks are deleted in the background
        b.Intake.Staging.WaitForBackgroundWork();
        using var store = new S3EvidenceStore(ceph.Server.Options(bucket));
        var report = EvidenceVerifier.Verify(store);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(Expected, report.Records);
        Assert.Empty(((await admin.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = ".staging/" })).Versions ?? []).Select(v => v.Key));
        Assert.Empty(Directory.EnumerateFiles(temp.Combine("collector-a"), "*.part", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(temp.Combine("collector-b"), "*.part", SearchOption.AllDirectories));
    }

    private CollectorService Collector(MosquittoProcess broker, string root, string clientId, string database, string bucket) =>
        SharedSubscriptionTests.Collector(broker, root, clientId, database, ceph.Server.Options(bucket, objectLockDays: 1));

    public void Dispose() => admin.Dispose();
}
