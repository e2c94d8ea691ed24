using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace EdgeAgent.Tests.Faults;

/// <summary>
/// The attacks of issue 14 item 3 on the real agent process: its outbox emptied, scrambled or rolled back behind
/// the records it already made. Each time the file is quarantined, the sequence continues after the highest
/// number ever used (never reused), the next record and health say <c>state-lost</c> with the range that may be
/// missing, and <c>/v1/health</c> keeps answering.
/// </summary>
public sealed class ChainHeadRollbackTests(ITestOutputHelper output) : IDisposable
{
    private const int Made = 6;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory temp = new();

    [Fact]
    public Task Empty_outbox_file_is_quarantined_and_the_sequence_continues() =>
        RollBackAsync(cleanStop: true, state =>
        {
            File.WriteAllBytes(Path.Combine(state, "outbox.db"), []);
            File.Delete(Path.Combine(state, "outbox.db-wal"));
            File.Delete(Path.Combine(state, "outbox.db-shm"));
        });

    [Fact]
    public Task Outbox_with_random_bytes_in_the_middle_is_quarantined_and_the_sequence_continues() =>
        RollBackAsync(cleanStop: true, state =>
        {
            var path = Path.Combine(state, "outbox.db");
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            Assert.True(file.Length > 64 * 1024, $"outbox is only {file.Length} bytes");
            file.Position = file.Length / 2;
            file.Write(new Random(14).GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 16 * 1024));
            file.Flush(true);
        });

    [Fact]
    public Task Garbage_wal_after_kill_9_is_quarantined_and_no_sequence_is_reused() =>
        RollBackAsync(cleanStop: false, state =>
        {
            var wal = Path.Combine(state, "outbox.db-wal");
            Assert.True(File.Exists(wal) && new FileInfo(wal).Length > 0, "the records are still in the WAL after kill -9");
            File.WriteAllBytes(wal, new Random(41).GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), (int)new FileInfo(wal).Length));
        });

    private async Task RollBackAsync(bool cleanStop, Action<string> corrupt)
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var state = temp.Combine("agent");
        var config = AgentConfig.Baseline(state, broker.Url);
        config["Cameras"] = new JsonArray(new JsonObject { ["Id"] = "cam-1", ["Kind"] = "synthetic", ["Width"] = 640, ["Height"] = 480, ["Fps"] = 10 });
        config["Broker"] = new JsonObject { ["Url"] = broker.Url, ["ReceiptTimeoutSeconds"] = 2, ["AllowUnsignedReceipts"] = true };
        var configPath = AgentConfig.Write(temp.Path, config);
        var socket = Path.Combine(state, "control.sock");

        // Records made while the collector is away: they wait in the outbox, then the outbox is damaged.
        var before = new List<Guid>();
        using (var agent = await AgentProcess.StartAsync(configPath, socket))
        {
            for (var i = 0; i < Made; i++)
            {
                before.AddRange(await agent.TriggerAsync("area-cleared"));
            }

            if (cleanStop)
            {
                await agent.StopAsync();
            }
            else
            {
                agent.Kill();
            }
        }

        Assert.Equal(Made, before.Count);
        corrupt(state);

        await using var collector = new CollectorHarness(temp.Combine("collector"), new() { Url = broker.Url }, clientId: "rollback-collector");
        await collector.StartAsync();
        using var restarted = await AgentProcess.StartAsync(configPath, socket);

        // Health answers (never 500) and names the broken store with what to do.
        var health = await restarted.WaitForHealthAsync(h => Problems(h).Any(p => p.Contains("state-lost", StringComparison.Ordinal)), Patience);
        Assert.Equal("failing", health.GetProperty("status").GetString());
        output.WriteLine(string.Join("\n", Problems(health)));

        // The damaged file is kept in quarantine, not deleted.
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(state, "quarantine")));

        // The next record continues after the highest sequence ever used and says what may be missing.
        var next = Assert.Single(await restarted.TriggerAsync("area-cleared"));
        await collector.WaitForStoredAsync(1, Patience);
        var record = await WaitForRecordAsync(collector, next);
        Assert.Equal(Made + 1, record.Sequence);
        var lost = Assert.Single(record.Findings, f => f.StartsWith("state-lost:", StringComparison.Ordinal));
        Assert.Contains($"#{Made}", lost, StringComparison.Ordinal);
        output.WriteLine(lost);

        // No sequence number is ever carried by two different records.
        var stored = collector.Stored;
        Assert.Equal(stored.Count, stored.Select(r => r.Sequence).Distinct().Count());
        Assert.All(stored.Where(r => r.Sequence <= Made), r => Assert.Contains(r.RecordId, before));
    }

    private static async Task<EdgeAgent.Protocol.EvidenceRecord> WaitForRecordAsync(CollectorHarness collector, Guid recordId)
    {
        while (true)
        {
            var stored = collector.Stored;
            if (stored.FirstOrDefault(r => r.RecordId == recordId) is { } record)
            {
                return record;
            }

            await collector.WaitForStoredAsync(stored.Count + 1, Patience);
        }
    }

    private static IEnumerable<string> Problems(System.Text.Json.JsonElement health) => health.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!);

    public void Dispose() => temp.Dispose();
}
