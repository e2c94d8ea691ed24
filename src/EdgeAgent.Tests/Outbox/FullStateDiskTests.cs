using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace EdgeAgent.Tests.Outbox;

/// <summary>
/// The attack of issue 14 item 2: the real agent with its state directory on a real 5 MiB tmpfs, filled by its own
/// records while the collector is away. A full disk is a state the agent leaves by itself, not a jam.
/// </summary>
public sealed class FullStateDiskTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempDirectory temp = new();

    [RootFact]
    public async Task Full_state_disk_refuses_triggers_clearly_drains_on_receipts_and_resumes_without_a_restart()
    {
        using var disk = SmallDisk.Mount(temp.Combine("state"), "5m");
        await using var broker = await MosquittoProcess.StartAsync();
        var config = AgentConfig.Baseline(disk.Path, broker.Url);
        config["Cameras"] = new JsonArray(new JsonObject { ["Id"] = "cam-1", ["Kind"] = "synthetic", ["Width"] = 1280, ["Height"] = 720, ["Fps"] = 10 });
        config["Broker"] = new JsonObject { ["Url"] = broker.Url, ["ReceiptTimeoutSeconds"] = 2, ["AllowUnsignedReceipts"] = true };
        config["Outbox"] = new JsonObject { ["ReserveBytes"] = 256 * 1024 };
        config["Control"] = new JsonObject { ["SocketPath"] = temp.Combine("control.sock") };
        var configPath = AgentConfig.Write(temp.Path, config);
        using var agent = await AgentProcess.StartAsync(configPath, temp.Combine("control.sock"));
        try
        {
            await FillDrainAndResumeAsync(disk, broker, agent);
        }
        finally
        {
            lock (agent.Output)
            {
                output.WriteLine(string.Join("\n", agent.Output.TakeLast(60))); // shown when the test fails
            }
        }
    }

    private async Task FillDrainAndResumeAsync(SmallDisk disk, MosquittoProcess broker, AgentProcess agent)
    {

        // The collector is away: records pile up in the outbox until the disk refuses.
        var acknowledged = new List<Guid>();
        (int Status, string Body)? refusal = null;
        for (var i = 0; i < 500 && refusal is null; i++)
        {
            var (status, body) = await agent.TryTriggerAsync("area-cleared");
            if (status == 200)
            {
                acknowledged.AddRange(JsonDocument.Parse(body).RootElement.GetProperty("records").EnumerateArray().Select(e => e.GetGuid()));
            }
            else
            {
                refusal = (status, body);
            }
        }

        output.WriteLine($"{acknowledged.Count} records stored before the disk refused: {refusal}");
        Assert.NotNull(refusal);
        Assert.Equal(507, refusal.Value.Status);
        Assert.Contains("outbox disk full", refusal.Value.Body, StringComparison.Ordinal);
        Assert.InRange(acknowledged.Count, 5, 500);

        // Non-evidence went first; health answers and says why; a second trigger gets the same clear refusal.
        var overlays = Path.Combine(disk.Path, "overlays");
        Assert.Empty(Directory.Exists(overlays) ? Directory.GetFiles(overlays) : []);
        var full = await agent.WaitForHealthAsync(h => Problems(h).Any(p => p.Contains("disk full", StringComparison.Ordinal)), Patience);
        Assert.Equal("failing", full.GetProperty("status").GetString());
        // Another trigger: refused the same way, or stored if the outbox found room meanwhile (it gives back WAL and
        // free pages before refusing); never an error.
        var again = await agent.TryTriggerAsync("area-cleared");
        Assert.True(again.Status is 507 or 200, $"{again.Status}: {again.Body}");
        if (again.Status == 200)
        {
            acknowledged.AddRange(JsonDocument.Parse(again.Body).RootElement.GetProperty("records").EnumerateArray().Select(e => e.GetGuid()));
        }


        // The collector comes: every record is stored, and the receipts remove them from the outbox on the full disk.
        await using var collector = new CollectorHarness(temp.Combine("collector"), new() { Url = broker.Url }, clientId: "full-disk-collector");
        var draining = System.Diagnostics.Stopwatch.StartNew();
        await collector.StartAsync();
        await collector.WaitForStoredAsync(acknowledged.Count, Patience);
        await agent.WaitForHealthAsync(h => h.GetProperty("outbox").GetProperty("depth").GetInt64() == 0, Patience);
        output.WriteLine($"collector back: {acknowledged.Count} records stored and removed from the full disk's outbox in {draining.Elapsed.TotalSeconds:0.0} s");

        // Space returned: the next trigger is stored without a restart and carries the refusals as a finding.
        var after = await agent.TriggerAsync("area-cleared");
        acknowledged.AddRange(after);
        await collector.WaitForStoredAsync(acknowledged.Count, Patience);
        // The first record stored after a refusal carries it (this one, or the one the outbox found room for meanwhile).
        Assert.Contains(collector.Stored, r => r.Findings.Any(f => f.StartsWith("outbox-disk-full:", StringComparison.Ordinal)));
        await agent.WaitForHealthAsync(h => !Problems(h).Any(p => p.Contains("disk full", StringComparison.Ordinal)), Patience);

        // Something else fills the disk to the last byte: stored (the outbox reuses its own free pages) or refused
        // clearly, never an error; once it frees the space, triggers are stored again.
        var filler = Path.Combine(disk.Path, "filler");
        disk.FillUp("filler");
        var squeezed = await agent.TryTriggerAsync("area-cleared");
        Assert.True(squeezed.Status is 200 or 507, $"{squeezed.Status}: {squeezed.Body}");
        if (squeezed.Status == 200)
        {
            acknowledged.AddRange(JsonDocument.Parse(squeezed.Body).RootElement.GetProperty("records").EnumerateArray().Select(e => e.GetGuid()));
        }

        Assert.Equal(200, (await agent.HealthAsync()).Status);
        output.WriteLine($"disk filled to the last byte by another writer: trigger answered {squeezed.Status}");
        File.Delete(filler);
        acknowledged.AddRange(await agent.TriggerAsync("area-cleared"));
        await collector.WaitForStoredAsync(acknowledged.Count, Patience);

        // Nothing lost, nothing duplicated, no sequence number used twice, and no reconnect loop on the way.
        var stored = collector.Stored;
        Assert.Empty(acknowledged.Except(stored.Select(r => r.RecordId)));
        Assert.Equal(stored.Count, stored.Select(r => r.Sequence).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(s => (long)s), stored.Select(r => r.Sequence).Order());
        lock (agent.Output)
        {
            Assert.Single(agent.Output, line => line.Contains("Connected to broker", StringComparison.Ordinal));
        }

        output.WriteLine($"{acknowledged.Count} acknowledged, {stored.Count} stored, 0 lost, 0 duplicates, 1 connection");
    }

    private static IEnumerable<string> Problems(JsonElement health) => health.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!);

    public void Dispose() => temp.Dispose();
}
