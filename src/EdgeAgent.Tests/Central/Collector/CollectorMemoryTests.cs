using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.Tests.Outbox;
using EdgeAgent.Tests.Uplink;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// Issue 14, attack 6, against a real <c>edgeagent collect</c> process and a real mosquitto: oversize packets
/// never reach the collector (it announces an MQTT 5 Maximum Packet Size), and a chunk flood from one device
/// neither fills staging nor holds up another device. Memory is the process's own peak RSS (VmHWM).
/// </summary>
public sealed class CollectorMemoryTests : IDisposable
{
    /// <summary>Peak RSS growth allowed while the attack runs (the default 8 MiB chunk limit, read once plus copied, plus slack).</summary>
    private const long RssBoundBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Peak RSS growth allowed during the 15,000-message flood: Receive Maximum keeps at most 64 messages in the
    /// collector at once, but the garbage of thousands of handled ones is collected when the GC gets CPU; +25 to
    /// +39 MiB on a quiet machine, +69 MiB at load average 25. Without the staging bounds the images pile up unbounded.
    /// </summary>
    private const long FloodRssBoundBytes = 128L * 1024 * 1024;

    private readonly TempDirectory temp = new();

    [Fact]
    public async Task A_200_MiB_chunk_and_a_30_MiB_siteId_never_reach_the_collector_and_its_peak_RSS_grows_under_64_MiB()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = await CollectorProcess.StartAsync("--broker", broker.Url, "--output", temp.Combine("store"));
        await using var device = new UplinkHarness(temp.Combine("device"), broker.Url, deviceId: "dev-good");
        await EvidenceFixtures.AppendAsync(device.Outbox, 1, 4096, deviceId: "dev-good");
        await device.StartAsync();
        await collector.WaitForStoredAsync(1, TimeSpan.FromSeconds(60)); // warm: every code path of a store has run once
        var before = collector.PeakRssBytes;

        await using (var attacker = await RawDevice.ConnectAsync(broker.Url, "dev-evil"))
        {
            await attacker.PublishChunkAsync(Guid.NewGuid(), 0, 1, new byte[200 * 1024 * 1024]);
            var record = JsonNode.Parse(TestRecords.Unsigned(1, EvidenceSignature.GenesisHash, TestRecords.Image(1), deviceId: "dev-evil").ToJson())!.AsObject();
            record["siteId"] = new string('s', 30 * 1024 * 1024);
            await attacker.PublishRecordAsync(System.Text.Encoding.UTF8.GetBytes(record.ToJsonString()));
        }

        // Published after the attack on the same broker: once it is stored, whatever mosquitto was going to
        // hand the collector before it has been handed (or dropped).
        await EvidenceFixtures.AppendAsync(device.Outbox, 1, 4096, deviceId: "dev-good");
        await collector.WaitForStoredAsync(2, TimeSpan.FromSeconds(60));
        var growth = collector.PeakRssBytes - before;

        Console.WriteLine($"collector peak RSS before {before / 1048576.0:0.0} MiB, after a 200 MiB chunk and a 30 MiB record {collector.PeakRssBytes / 1048576.0:0.0} MiB (+{growth / 1048576.0:0.0} MiB)");
        Assert.InRange(growth, 0, RssBoundBytes);
        Assert.DoesNotContain("dev-evil", collector.Log, StringComparison.Ordinal); // never delivered: nothing about it was even rejected
        Assert.Empty(Directory.EnumerateDirectories(temp.Combine("store"), "dev-evil", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Fifteen_thousand_junk_chunks_stage_at_most_128_images_and_do_not_hold_up_another_devices_record()
    {
        // Unlimited queue, so mosquitto hands the collector every junk chunk instead of dropping past 1,000.
        await using var broker = await MosquittoProcess.StartAsync("max_queued_messages 0\n");
        var store = temp.Combine("store");
        await using var collector = await CollectorProcess.StartAsync("--broker", broker.Url, "--output", store);
        await using var device = new UplinkHarness(temp.Combine("device"), broker.Url, deviceId: "dev-good");
        await EvidenceFixtures.AppendAsync(device.Outbox, 1, 4096, deviceId: "dev-good");
        await device.StartAsync();
        await collector.WaitForStoredAsync(1, TimeSpan.FromSeconds(60));
        var before = collector.PeakRssBytes;

        const int Junk = 15_000;
        await using (var flooder = await RawDevice.ConnectAsync(broker.Url, "dev-junk"))
        {
            for (var batch = 0; batch < Junk; batch += 500)
            {
                await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => flooder.PublishChunkAsync(Guid.NewGuid(), 0, 1, [])));
            }
        }

        var clock = Stopwatch.StartNew();
        await EvidenceFixtures.AppendAsync(device.Outbox, 1, 4096, deviceId: "dev-good");
        await collector.WaitForStoredAsync(2, TimeSpan.FromSeconds(120));
        var waited = clock.Elapsed;
        var growth = collector.PeakRssBytes - before;
        var staged = Directory.EnumerateDirectories(Path.Combine(store, ".staging", "dev-junk")).Count();

        Console.WriteLine($"good record stored {waited.TotalSeconds:0.0} s after {Junk} junk chunks; {staged} junk images staged; peak RSS +{growth / 1048576.0:0.0} MiB");
        Assert.InRange(staged, 1, 128);
        Assert.InRange(waited, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.InRange(growth, 0, FloodRssBoundBytes);
    }

    public void Dispose() => temp.Dispose();
}
