using System.Text;
using System.Text.Json.Nodes;

namespace EdgeAgent.Tests.Uplink;

/// <summary>The real agent binary, SIGKILLed in the middle of publishing.</summary>
public sealed class AgentCrashTests : IDisposable
{
    private const string Secret = "pw-7f3a9c-never-log-me";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Kill_9_mid_publish_then_restart_delivers_everything_and_the_collector_stores_no_duplicate()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var root = temp.Combine("collector");
        var first = new CollectorHarness(root, new() { Url = broker.Url }, clientId: "crash-collector");
        await first.StartAsync();
        await using var status = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/status");
        var state = temp.Combine("agent");
        var config = AgentConfig.Baseline(state, broker.Url);
        config["Broker"] = new JsonObject { ["Url"] = broker.Url, ["MaxChunkBytes"] = 1024, ["ReceiptTimeoutSeconds"] = 1, ["Username"] = "device", ["AllowUnsignedReceipts"] = true };
        var configPath = AgentConfig.Write(temp.Path, config);
        var environment = new Dictionary<string, string> { ["EDGEAGENT__Broker__Password"] = Secret };
        var socket = Path.Combine(state, "control.sock");

        var written = new List<Guid>();
        int storedBeforeKill;
        using (var agent = await AgentProcess.StartAsync(configPath, socket, environment))
        {
            for (var i = 0; i < 4; i++)
            {
                written.AddRange(await agent.TriggerAsync(i % 2 == 0 ? "isolated" : "zero-energy-verified"));
            }

            await first.WaitForStoredAsync(2, Patience);

            // The collector goes away: the agent keeps publishing and, without receipts, re-publishing every
            // second (chunk by chunk) into the broker's queue for the collector's session. Kill it in that state.
            await first.DisposeAsync();
            storedBeforeKill = first.Stored.Count;
            for (var i = 0; i < 4; i++)
            {
                written.AddRange(await agent.TriggerAsync("area-cleared"));
            }

            agent.Kill();
            using (var outbox = EdgeAgent.Outbox.EvidenceOutbox.Open(Path.Combine(state, "outbox.db")))
            {
                Assert.InRange((await outbox.StatsAsync()).Count, 4, written.Count); // records without a receipt survived the kill
            }

            await status.WaitForAsync(2, Patience); // online, then the Last Will
            Assert.Equal(["online", "offline"], status.Messages.Select(m => Encoding.UTF8.GetString(m.Payload)));
            await using var late = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/status");
            await late.WaitForAsync(1, Patience);
            Assert.True(late.Messages[0].Retain, "the Last Will is retained");
            Assert.Equal("offline", Encoding.UTF8.GetString(late.Messages[0].Payload));
            lock (agent.Output)
            {
                Assert.Contains(agent.Output, line => line.Contains("Connected to broker", StringComparison.Ordinal));
                Assert.DoesNotContain(agent.Output, line => line.Contains(Secret, StringComparison.Ordinal));
            }
        }

        // The collector's session got the queued (partly duplicate) messages; the restarted agent resends the rest.
        await using var collector = new CollectorHarness(root, new() { Url = broker.Url }, clientId: "crash-collector");
        await collector.StartAsync();
        using (var restarted = await AgentProcess.StartAsync(configPath, socket, environment))
        {
            await collector.WaitForStoredAsync(written.Count - storedBeforeKill, Patience);
            await using var birth = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/status");
            await birth.WaitForAsync(1, Patience);
            Assert.Equal("online", Encoding.UTF8.GetString(birth.Messages[0].Payload));
            lock (restarted.Output)
            {
                Assert.DoesNotContain(restarted.Output, line => line.Contains(Secret, StringComparison.Ordinal));
            }
        }

        Assert.Equal(written.Order(), first.Stored.Concat(collector.Stored).Select(r => r.RecordId).Order());
        Assert.Equal(written.Count, collector.Service.Intake.Index.CountByDevice()["test-device"]);
        Assert.Equal(written.Count, collector.Service.Store.List().Count());
        Assert.True(global::EdgeAgent.Central.Verification.EvidenceVerifier.Verify(collector.Service.Store.Location).Ok);
    }

    public void Dispose() => temp.Dispose();
}
