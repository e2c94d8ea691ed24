using System.Globalization;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace EdgeAgent.Tests.Faults;

/// <summary>
/// The real agent SIGKILLed at random points while bursts of triggers are in flight, again and again. Every
/// trigger the agent acknowledged reaches the collector exactly once, the sequence is gapless and the hash
/// chain and signatures verify. <c>EDGEAGENT_FAULT_ITERATIONS</c> (default 3) sets the number of kills.
/// </summary>
public sealed class KillDuringBurstTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Kill_9_at_random_points_in_trigger_bursts_loses_nothing_and_keeps_the_chain()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("EDGEAGENT_FAULT_ITERATIONS"), CultureInfo.InvariantCulture, out var n) ? n : 3;
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"iterations {iterations}, seed {seed}");

        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = new CollectorHarness(temp.Combine("collector"), new() { Url = broker.Url }, clientId: "burst-collector");
        await collector.StartAsync();
        var state = temp.Combine("agent");
        var config = AgentConfig.Baseline(state, broker.Url);
        config["Broker"] = new JsonObject { ["Url"] = broker.Url, ["ReceiptTimeoutSeconds"] = 1, ["AllowUnsignedReceipts"] = true };
        var configPath = AgentConfig.Write(temp.Path, config);
        var socket = Path.Combine(state, "control.sock");
        var acknowledged = new List<Guid>();

        for (var i = 0; i < iterations; i++)
        {
            using var agent = await AgentProcess.StartAsync(configPath, socket);
            var burst = random.Next(3, 9);
            var killAfter = random.Next(0, burst);
            var triggers = Enumerable.Range(0, burst).Select(_ => agent.TriggerAsync("area-cleared")).ToList();
            var pending = triggers.ToList();
            for (var done = 0; done < killAfter; done++)
            {
                pending.Remove(await Task.WhenAny(pending));
            }

            agent.Kill(); // with the rest of the burst in flight: some handled, some not, some half-published
            foreach (var trigger in triggers)
            {
                try
                {
                    acknowledged.AddRange(await trigger);
                }
                catch (HttpRequestException)
                {
                    // Cut off by the kill: never acknowledged, so it may or may not have been recorded.
                }
            }

            output.WriteLine($"kill {i + 1}: burst {burst}, killed after {killAfter} answers; {acknowledged.Count} acknowledged so far");
        }

        using var last = await AgentProcess.StartAsync(configPath, socket);
        var final = await last.TriggerAsync("area-cleared");
        acknowledged.AddRange(final);
        var lastSequence = await SequenceOfAsync(collector, final.Single());

        // Everything up to the final record is delivered, each exactly once, in a gapless signed chain.
        await collector.WaitForStoredAsync((int)lastSequence, Patience);
        var stored = collector.Stored;
        Assert.Equal(Enumerable.Range(1, (int)lastSequence).Select(s => (long)s), stored.Select(r => r.Sequence).Order());
        Assert.Empty(acknowledged.Except(stored.Select(r => r.RecordId)));
        Assert.Equal(stored.Count, collector.Service.Store.List().Count());
        using var keys = new EnrolledKeys();
        using (var key = DeviceKey.Open(state))
        {
            keys.Add("test-device", DeviceKey.ImportPublicKey(key.PublicKeyPem));
        }

        var report = EvidenceVerifier.Verify(collector.Service.Store.Location, keys);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        output.WriteLine($"{acknowledged.Count} acknowledged, {stored.Count} stored, 0 lost, 0 duplicates");
    }

    private static async Task<long> SequenceOfAsync(CollectorHarness collector, Guid recordId)
    {
        while (true)
        {
            var stored = collector.Stored;
            var record = stored.FirstOrDefault(r => r.RecordId == recordId);
            if (record is not null)
            {
                return record.Sequence;
            }

            await collector.WaitForStoredAsync(stored.Count + 1, Patience);
        }
    }

    public void Dispose() => temp.Dispose();
}
