using EdgeAgent.Demo;

namespace EdgeAgent.Tests.Faults;

/// <summary>
/// A real partition between device and broker (a veth link taken down; no resets, packets just vanish) while
/// the collector's own path to the broker stays up. Records made during the partition arrive after it heals, in order.
/// </summary>
public sealed class NetworkPartitionTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Records_made_during_a_partition_arrive_in_order_after_it_heals()
    {
        Assert.True(NetworkNamespace.IsSupported, "this fault test needs root and iproute2 (CI runs as root)");
        using var temp = new TempDirectory();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var ns = NetworkNamespace.Create();
        var device = ns.AddLink();
        var central = ns.AddLink();
        var port = InProcessBroker.FreeTcpPort();
        var conf = temp.Combine("mosquitto.conf");
        await File.WriteAllTextAsync(conf, $"listener {port} 0.0.0.0\nallow_anonymous true\npersistence false\n", cts.Token);
        using var mosquitto = ns.Start("/usr/sbin/mosquitto", "-c", conf);
        try
        {
            await WaitForPortAsync(central.Inside, port, cts.Token);
            await using var collector = CollectorService.Open(
                new CollectorOptions { Broker = new BrokerOptions { Url = $"mqtt://{central.Inside}:{port}", AllowInsecure = true }, OutputDirectory = temp.Combine("store"), ClientId = "partition-collector" },
                NullLogger<CollectorService>.Instance);
            var stored = new List<EvidenceRecord>();
            var storedCount = new SemaphoreSlim(0);
            collector.RecordStored += (_, r) =>
            {
                lock (stored)
                {
                    stored.Add(r);
                }

                storedCount.Release();
            };
            await collector.StartAsync(cts.Token);

            var config = AgentConfig.Baseline(temp.Combine("agent"), $"mqtt://{device.Inside}:{port}");
            config["Broker"]!["AllowInsecure"] = true; // a test link of our own; the agent logs the insecure warning
            config["Broker"]!["KeepAliveSeconds"] = 5;
            Directory.CreateDirectory(temp.Combine("agent"));
            await using var app = AgentHost.Build(ConfigLoader.Build(AgentConfig.Write(temp.Combine("agent"), config)), configureLogging: l => l.SetMinimumLevelToWarning());
            await app.StartAsync(cts.Token);
            var bus = app.Services.GetRequiredService<TriggerBus>();

            await ManualAsync(bus, "isolated", cts.Token);
            await storedCount.WaitAsync(cts.Token); // the path works before the fault

            ns.Partition(0);
            foreach (var step in new[] { "locked", "zero-energy-verified", "area-cleared" })
            {
                // Triggers are handled (records durable in the outbox) even though the broker is unreachable.
                await ManualAsync(bus, step, cts.Token);
            }

            // The fault is real: the device's path to the broker answers nothing, and the records wait in the outbox.
            // (A blackholed route fails a new connect locally, or it times out; it is never refused by anyone.)
            var probeError = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                using var probe = new System.Net.Sockets.TcpClient();
                using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                await probe.ConnectAsync(device.Inside, port, shortWait.Token);
            });
            Assert.True(probeError is OperationCanceledException or System.Net.Sockets.SocketException { SocketErrorCode: not System.Net.Sockets.SocketError.ConnectionRefused }, probeError.ToString());
            // 3, or 4 when the partition beat record 1's receipt back to the device (it is then resent and dropped as a duplicate).
            Assert.InRange((await app.Services.GetRequiredService<global::EdgeAgent.Outbox.EvidenceOutbox>().StatsAsync(cts.Token)).Count, 3, 4);
            Assert.Single(stored);
            ns.Heal(0);
            for (var i = 0; i < 3; i++)
            {
                await storedCount.WaitAsync(cts.Token);
            }

            Assert.Equal([1L, 2, 3, 4], stored.Select(r => r.Sequence));
            Assert.Equal(["isolated", "locked", "zero-energy-verified", "area-cleared"], stored.Select(r => r.Step.Id));
            await app.StopAsync(CancellationToken.None);
        }
        finally
        {
            mosquitto.Kill(entireProcessTree: true);
            await mosquitto.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The real agent process in a network namespace of its own behind a veth pair, mosquitto and the collector
    /// outside. The link is cut (blackholed both ways) in the middle of a trigger burst for longer than the
    /// keep-alive, so the broker and the agent both see the connection die, then restored.
    /// </summary>
    [RootFact]
    public async Task Agent_behind_a_cut_link_during_a_trigger_burst_loses_and_duplicates_nothing_and_health_shows_the_outage()
    {
        Assert.True(NetworkNamespace.IsSupported, "this fault test needs root and iproute2 (CI runs as root)");
        const int KeepAliveSeconds = 5;
        const int Burst = 12;
        using var temp = new TempDirectory();
        using var ns = NetworkNamespace.Create();
        var link = ns.AddLink();
        var port = InProcessBroker.FreeTcpPort();
        await using var broker = await MosquittoProcess.StartAsync($"listener {port} 0.0.0.0\nallow_anonymous true", listener: false, port: port);
        await using var collector = new CollectorHarness(temp.Combine("collector"), new BrokerOptions { Url = broker.Url }, clientId: "partition-collector");
        await collector.StartAsync();

        var state = temp.Combine("agent");
        var config = AgentConfig.Baseline(state, $"mqtt://{link.Host}:{port}");
        config["Broker"] = new System.Text.Json.Nodes.JsonObject { ["Url"] = $"mqtt://{link.Host}:{port}", ["AllowInsecure"] = true, ["KeepAliveSeconds"] = KeepAliveSeconds, ["ReceiptTimeoutSeconds"] = 2, ["AllowUnsignedReceipts"] = true };
        using var agent = await AgentProcess.StartAsync(AgentConfig.Write(temp.Path, config), Path.Combine(state, "control.sock"), networkNamespace: ns.Name);
        await agent.WaitForHealthAsync(h => h.GetProperty("broker").GetProperty("connected").GetBoolean(), TimeSpan.FromSeconds(60));

        // A burst of triggers; the link is cut once a third of them are answered.
        var answered = new List<Guid>();
        var burst = Enumerable.Range(0, Burst).Select(_ => agent.TriggerAsync("area-cleared")).ToList();
        var pending = burst.ToList();
        for (var i = 0; i < Burst / 3; i++)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
        }

        ns.Partition(0);
        var cut = System.Diagnostics.Stopwatch.StartNew();
        foreach (var trigger in burst)
        {
            answered.AddRange(await trigger); // recording never waits for the network
        }

        // Cut for longer than the keep-alive: health shows the outage, and more evidence is made meanwhile.
        var outage = await agent.WaitForHealthAsync(h => !h.GetProperty("broker").GetProperty("connected").GetBoolean(), TimeSpan.FromSeconds(60));
        Assert.Contains(outage.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("broker: not connected", StringComparison.Ordinal));
        var noticed = cut.Elapsed;
        answered.AddRange(await agent.TriggerAsync("area-cleared"));
        ns.Heal(0);
        var healed = System.Diagnostics.Stopwatch.StartNew();

        // Restored: everything arrives, each record once, gapless; health sees the broker again.
        await collector.WaitForStoredAsync(answered.Count, TimeSpan.FromSeconds(90));
        await agent.WaitForHealthAsync(h => h.GetProperty("broker").GetProperty("connected").GetBoolean() && h.GetProperty("outbox").GetProperty("depth").GetInt64() == 0, TimeSpan.FromSeconds(60));
        var stored = collector.Stored;
        Assert.Equal(answered.Order(), stored.Select(r => r.RecordId).Order());
        Assert.Equal(Enumerable.Range(1, answered.Count).Select(s => (long)s), stored.Select(r => r.Sequence).Order());
        Assert.Equal(answered.Count, collector.Service.Store.List().Count());
        Assert.Equal(answered.Count, collector.Service.Intake.Index.CountByDevice()["test-device"]);
        output.WriteLine($"keep-alive {KeepAliveSeconds} s; health showed the broker disconnected {noticed.TotalSeconds:0.0} s after the cut; " +
            $"{answered.Count} records, all stored once {healed.Elapsed.TotalSeconds:0.0} s after the link came back; 0 lost, 0 duplicates");
    }

    private static async Task ManualAsync(TriggerBus bus, string step, CancellationToken cancellationToken)
    {
        var outcome = await bus.PublishAndWaitAsync(new TriggerEvent("conveyor-1", TriggerKind.Manual, "test", "test", DateTimeOffset.UtcNow, TimeProvider.System.GetTimestamp()) { StepId = step }, cancellationToken);
        Assert.Single(outcome.RecordIds);
    }

    private static async Task WaitForPortAsync(string host, int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(host, port, cancellationToken);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(20, cancellationToken); // polling a foreign process's port; bounded by the token
            }
        }
    }
}
