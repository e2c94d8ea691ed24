using EdgeAgent.Collector;
using EdgeAgent.Configuration;
using EdgeAgent.Demo;
using EdgeAgent.Evidence;
using EdgeAgent.Hosting;
using EdgeAgent.Tests.Infrastructure;
using EdgeAgent.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Tests.Faults;

/// <summary>
/// A real partition between device and broker (a veth link taken down; no resets, packets just vanish) while
/// the collector's own path to the broker stays up. Records made during the partition arrive after it heals, in order.
/// </summary>
public sealed class NetworkPartitionTests
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
            await using var collector = new CollectorService(
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
