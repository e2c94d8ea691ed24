using EdgeAgent.Tests.Outbox;
using EdgeAgent.Tests.Uplink;

namespace EdgeAgent.Tests.Central.Collector;

public sealed class CollectorDiskFullTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Collector_with_a_full_disk_acknowledges_nothing_it_did_not_store_and_catches_up_when_space_returns()
    {
        using var disk = SmallDisk.Mount(temp.Combine("disk"));
        var filler = disk.Fill("filler", 1536 * 1024);
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = new CollectorHarness(Path.Combine(disk.Path, "root"), new() { Url = broker.Url }).AllowErrors("No space left on device"); // what this test makes
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        collector.Service.HandlingFailed += (_, ex) => failed.TrySetResult(ex);
        await collector.StartAsync();
        await using var uplink = new UplinkHarness(temp.Combine("agent"), broker.Url, b => b.ReceiptTimeoutSeconds = 1);
        var records = await EvidenceFixtures.AppendAsync(uplink.Outbox, 4, 200 * 1024); // 800 KB into ~500 KB of space

        await uplink.StartAsync();
        var error = await failed.Task.WaitAsync(Patience);

        Assert.IsAssignableFrom<IOException>(error);
        var storedWhileFull = collector.Stored.Count;
        Assert.InRange(storedWhileFull, 0, 3);
        Assert.InRange((await uplink.Outbox.StatsAsync()).Count, 4 - storedWhileFull, 4); // the device kept what has no receipt

        File.Delete(filler);
        await collector.WaitForStoredAsync(4, Patience);
        await uplink.WaitUntilDrainedAsync(Patience);
        Assert.Equal(records.Select(r => r.RecordId).Order(), collector.Stored.Select(r => r.RecordId).Order());
        Assert.True(global::EdgeAgent.Central.Verification.EvidenceVerifier.Verify(collector.Service.Store.Location).Ok);
        await collector.DisposeAsync();
    }

    public void Dispose() => temp.Dispose();
}
