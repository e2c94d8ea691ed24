using System.Diagnostics;
using System.Security.Cryptography;
using EdgeAgent.Central.Collector;
using EdgeAgent.Central.Collector.ObjectStore;
using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using EdgeAgent.Uplink;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Bench;

/// <summary>
/// Backlog drain end to end, as delivery really works: the uplink sends, a collector on the same host stores each
/// record durably (fsync, or a PUT to an S3 bucket) and sends a receipt, and only the receipt empties the outbox.
/// Timed until the outbox is empty.
/// </summary>
public static class EndToEndBacklogBenchmark
{
    /// <param name="objectStore">Store into this bucket instead of a directory.</param>
    /// <param name="groupCommit">The collector's group commit (<see cref="CollectorOptions.GroupCommit"/>); false: one sync per record, as before it existed.</param>
    /// <param name="round">Above 1: a repeated run, with a collector, store and devices of its own.</param>
    public static async Task<BacklogBenchmark.Result> RunAsync(BenchOptions options, string brokerUrl, byte[] image, S3StoreOptions? objectStore = null, bool groupCommit = true, int? brokerPid = null, int round = 1)
    {
        var run = (objectStore is null ? "e2e" : "e2e-s3") + (groupCommit ? "" : "-single") + (round > 1 ? $"-r{round}" : "");
        var collectorDirectory = Path.Combine(options.WorkDirectory, run + "-collector");
        await using var collector = CollectorService.Open(
            new CollectorOptions { Broker = new BrokerOptions { Url = brokerUrl }, OutputDirectory = collectorDirectory, ClientId = $"bench-{run}-collector", ObjectStore = objectStore, GroupCommit = groupCommit },
            NullLogger<CollectorService>.Instance);

        // The device trusts this collector's signed receipts, as an enrolled site device does (the real path, signature checks included).
        var collectorKey = Path.Combine(options.WorkDirectory, run + "-collector.pub.pem");
        await File.WriteAllTextAsync(collectorKey, collector.ReceiptKey.PublicKeyPem);
        await collector.StartAsync();
        // What group commit did in the timed drain: how many messages a sync took, how often one came.
        var commits = new System.Collections.Concurrent.ConcurrentQueue<(long At, int Count)>();
        collector.BatchCommitted += (_, count) => commits.Enqueue((Stopwatch.GetTimestamp(), count));

        // Untimed first, as the two PUBACK-only rows do: a warm-up device's backlog through the same collector, so the
        // timed drain does not pay for the collector's JIT (docs/deploy.md, "Where the end-to-end CPU goes").
        await DrainAsync(options with { BacklogRecords = Math.Min(WarmUpRecords, options.BacklogRecords) }, brokerUrl, image, collectorKey, $"bench-{run}-warmup");
        commits.Clear();
        var timed = await DrainAsync(options, brokerUrl, image, collectorKey, "bench-" + run, brokerPid);
        var list = commits.ToArray();
        if (list.Length > 1)
        {
            var gaps = list.Zip(list.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a.At, b.At).TotalMilliseconds).Order().ToArray();
            Console.WriteLine($"  {run}: group commit batches {list.Length}, messages mean {list.Average(c => c.Count):0.0}, sizes p10/p50/p90 {list.Select(c => c.Count).Order().ElementAt(list.Length / 10)}/{list.Select(c => c.Count).Order().ElementAt(list.Length / 2)}/{list.Select(c => c.Count).Order().ElementAt(list.Length * 9 / 10)}, interval p50/p90 {gaps[gaps.Length / 2]:0.0}/{gaps[gaps.Length * 9 / 10]:0.0} ms");
        }

        return timed;
    }

    /// <summary>
    /// Records drained untimed through the collector first. More than the PUBACK-only rows' 50: the collector runs far
    /// more code per record, and tiered compilation (tier 0, instrumented, tier 1) still took 27% of the process's CPU
    /// in a cold 2,000-record drain against 1.6% in a second one (perf); after 50 records the timed drain's CPU per
    /// record was 4% lower than cold, after 300 13% lower (load average 30–55, one run each).
    /// </summary>
    internal const int WarmUpRecords = 300;

    private static async Task<BacklogBenchmark.Result> DrainAsync(BenchOptions options, string brokerUrl, byte[] image, string collectorKey, string deviceId, int? brokerPid = null)
    {
        var agent = new EdgeAgentOptions
        {
            DeviceId = deviceId,
            SiteId = "bench",
            StateDirectory = Path.Combine(options.WorkDirectory, deviceId + "-agent"),
            Broker = options.DeviceBroker(new BrokerOptions { Url = brokerUrl, RequireReceipts = true, CollectorKeys = [collectorKey] }),
        };
        using var outbox = EvidenceOutbox.Open(Path.Combine(agent.StateDirectory, "outbox.db"));
        var sha = Convert.ToHexStringLower(SHA256.HashData(image));
        for (var i = 0; i < options.BacklogRecords; i++)
        {
            var link = await outbox.ReadNextLinkAsync();
            await outbox.AppendAsync(BacklogBenchmark.Record(link.Sequence, agent, sha, image.Length) with { PrevHash = link.PrevHash }, image);
        }

        var bytes = (await outbox.StatsAsync()).Bytes;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivered = 0;
        using var uplink = new MqttUplinkService(Options.Create(agent), outbox, TimeProvider.System, NullLogger<MqttUplinkService>.Instance);
        uplink.Window.Delivered += (_, count) =>
        {
            if (Interlocked.Add(ref delivered, count) >= options.BacklogRecords)
            {
                drained.TrySetResult();
            }
        };
        Console.WriteLine($"  {deviceId}: draining {options.BacklogRecords} records, window {agent.Broker.MaxInFlightRecords}");
        var (gen0, gen2, paused, allocated) = (GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());
        var (clock, cpu, brokerCpu) = (Stopwatch.StartNew(), BacklogBenchmark.ProcessCpu(), BacklogBenchmark.BrokerCpu(brokerPid));
        await uplink.StartAsync(CancellationToken.None);
        await drained.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var (elapsed, used, brokerUsed) = (clock.Elapsed, BacklogBenchmark.ProcessCpu() - cpu, BacklogBenchmark.BrokerCpu(brokerPid) - brokerCpu);
        Console.WriteLine($"  {deviceId}: {uplink.Window.ReadsAhead} reads ahead of the window, {uplink.Window.RemovalBatches} removal batches; GC {GC.CollectionCount(0) - gen0} collections ({GC.CollectionCount(2) - gen2} gen2), paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:0} ms, allocated {(GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / options.BacklogRecords:0} KiB per record");
        await uplink.StopAsync(CancellationToken.None);
        return new BacklogBenchmark.Result(options.BacklogRecords, bytes, elapsed) { CpuMsPerRecord = used.TotalMilliseconds / options.BacklogRecords, BrokerCpuMsPerRecord = brokerUsed.TotalMilliseconds / options.BacklogRecords };
    }
}
