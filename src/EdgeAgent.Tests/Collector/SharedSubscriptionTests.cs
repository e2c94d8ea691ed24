using System.Collections.Concurrent;
using EdgeAgent.Collector;
using EdgeAgent.Configuration;
using EdgeAgent.Evidence;
using EdgeAgent.Hosting;
using EdgeAgent.Tests.Infrastructure;
using EdgeAgent.Triggers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace EdgeAgent.Tests.Collector;

/// <summary>
/// Two collectors, each with its own MQTT client, on one real mosquitto with an MQTT 5 shared subscription,
/// sharing one store directory and indexing into one real PostgreSQL; two real agents feed them.
/// </summary>
public sealed class SharedSubscriptionTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private const int TriggersPerDevice = 8;

    [Fact]
    public async Task Two_collectors_sharing_a_subscription_store_every_record_exactly_once()
    {
        using var temp = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        var database = await postgres.Server.CreateDatabaseAsync();
        var store = temp.Combine("store");
        var indexOptions = new EvidenceIndexOptions { Provider = EvidenceIndexOptions.PostgreSql, ConnectionString = database };
        await using var indexA = await EvidenceIndexFactory.OpenAsync(indexOptions, store);
        await using var indexB = await EvidenceIndexFactory.OpenAsync(indexOptions, store);
        const int expected = 2 * TriggersPerDevice;

        var stored = new ConcurrentQueue<(string Collector, EvidenceRecord Record)>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var a = Collector(broker, store, "collector-a", indexA);
        await using var b = Collector(broker, store, "collector-b", indexB);
        foreach (var (name, collector) in new[] { ("collector-a", a), ("collector-b", b) })
        {
            collector.RecordStored += (_, record) =>
            {
                stored.Enqueue((name, record));
                if (stored.Count >= expected)
                {
                    all.TrySetResult();
                }
            };
            collector.Rejected += (_, reason) => output.WriteLine($"{name} rejected: {reason}");
            await collector.StartAsync();
        }

        await using var agent1 = await StartAgentAsync(temp, broker, "device-1");
        await using var agent2 = await StartAgentAsync(temp, broker, "device-2");
        for (var i = 0; i < TriggersPerDevice; i++)
        {
            Trigger(agent1);
            Trigger(agent2);
        }

        await all.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await agent1.StopAsync();
        await agent2.StopAsync();

        output.WriteLine($"collector-a stored {a.StoredCount}, collector-b stored {b.StoredCount}");
        Assert.Equal(expected, stored.Select(s => s.Record.RecordId).Distinct().Count());
        Assert.Equal(expected, a.StoredCount + b.StoredCount);
        Assert.True(a.StoredCount > 0 && b.StoredCount > 0, "the shared subscription should split the records between both collectors");

        Assert.Equal(expected, await indexA.CountAsync());
        foreach (var device in new[] { "device-1", "device-2" })
        {
            var rows = await indexB.ListAsync(device);
            Assert.Equal(Enumerable.Range(1, TriggersPerDevice).Select(i => (long)i), rows.Select(r => r.Sequence));
            Assert.All(rows, r => Assert.True(File.Exists(Path.Combine(store, r.Path)), $"indexed file {r.Path} is missing"));
        }

        Assert.Equal(expected, new EvidenceStore(store).Enumerate().Count());
    }

    [Fact]
    public async Task Two_collector_processes_sharing_a_subscription_index_every_record_once_in_postgresql()
    {
        using var temp = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        var database = await postgres.Server.CreateDatabaseAsync();
        var connectionFile = temp.Combine("index-connection");
        await File.WriteAllTextAsync(connectionFile, database);
        var store = temp.Combine("store");
        const int expected = 2 * TriggersPerDevice;

        string[] Args(string id) => ["--broker", broker.Url, "--output", store, "--client-id", id, "--group", "collectors", "--index", "postgresql", "--index-connection-file", connectionFile];
        await using var a = await CollectorProcess.StartAsync(Args("collector-a"));
        await using var b = await CollectorProcess.StartAsync(Args("collector-b"));
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnStored(int _)
        {
            if (a.StoredCount + b.StoredCount >= expected)
            {
                all.TrySetResult();
            }
        }

        a.Stored += OnStored;
        b.Stored += OnStored;

        await using var agent1 = await StartAgentAsync(temp, broker, "device-1");
        await using var agent2 = await StartAgentAsync(temp, broker, "device-2");
        for (var i = 0; i < TriggersPerDevice; i++)
        {
            Trigger(agent1);
            Trigger(agent2);
        }

        try
        {
            await all.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"stored {a.StoredCount} + {b.StoredCount} of {expected}\n--- a:\n{a.Log}\n--- b:\n{b.Log}");
        }

        await agent1.StopAsync();
        await agent2.StopAsync();
        output.WriteLine($"collector-a process stored {a.StoredCount}, collector-b process stored {b.StoredCount}");

        await using var index = await EvidenceIndexFactory.OpenAsync(new EvidenceIndexOptions { Provider = EvidenceIndexOptions.PostgreSql, ConnectionString = database }, store);
        Assert.Equal(expected, await index.CountAsync());
        var rows = (await index.ListAsync("device-1")).Concat(await index.ListAsync("device-2")).ToList();
        Assert.Equal(expected, rows.Select(r => r.RecordId).Distinct().Count());
        Assert.Equal(["collector-a", "collector-b"], rows.Select(r => r.StoredBy).Distinct().Order());
        Assert.Equal(expected, a.StoredCount + b.StoredCount);
        Assert.Equal(expected, new EvidenceStore(store).Enumerate().Count());
    }

    private static CollectorService Collector(MosquittoProcess broker, string store, string clientId, IEvidenceIndex index) =>
        new(
            new CollectorOptions { Broker = new BrokerOptions { Url = broker.Url }, OutputDirectory = store, ClientId = clientId, SubscriptionGroup = "collectors", Index = index },
            NullLogger<CollectorService>.Instance);

    private static async Task<WebApplication> StartAgentAsync(TempDirectory temp, MosquittoProcess broker, string deviceId)
    {
        var state = temp.Combine(deviceId);
        Directory.CreateDirectory(state);
        var config = AgentConfig.Baseline(state, broker.Url);
        config["DeviceId"] = deviceId;
        var app = AgentHost.Build(ConfigLoader.Build(AgentConfig.Write(state, config)), configureLogging: l => l.ClearProviders());
        await app.StartAsync();
        return app;
    }

    private static void Trigger(WebApplication agent)
    {
        var time = TimeProvider.System;
        agent.Services.GetRequiredService<TriggerBus>().Publish(new TriggerEvent("conveyor-1", TriggerKind.Manual, "test", "test", time.GetUtcNow(), time.GetTimestamp()));
    }
}
