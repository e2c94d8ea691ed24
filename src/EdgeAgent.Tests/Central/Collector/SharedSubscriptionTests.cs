using System.Collections.Concurrent;
using EdgeAgent.Uplink;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// Two collectors, each with its own MQTT client, on one real mosquitto with an MQTT 5 shared subscription,
/// sharing one store directory and indexing into one real PostgreSQL; two real agents feed them.
/// </summary>
public sealed class SharedSubscriptionTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private const int TriggersPerDevice = 8;
    private const int Expected = 2 * TriggersPerDevice;

    [Fact]
    public async Task Two_collectors_sharing_a_subscription_store_every_record_exactly_once_in_postgresql()
    {
        using var temp = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        var database = await postgres.Server.CreateDatabaseAsync();
        var store = temp.Combine("store");

        var stored = new ConcurrentQueue<(string Collector, EvidenceRecord Record)>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var a = Collector(broker, store, "collector-a", database);
        await using var b = Collector(broker, store, "collector-b", database);
        foreach (var (name, collector) in new[] { ("collector-a", a), ("collector-b", b) })
        {
            collector.RecordStored += (_, record) =>
            {
                stored.Enqueue((name, record));
                if (stored.Count >= Expected)
                {
                    all.TrySetResult();
                }
            };
            await collector.StartAsync();
        }

        // Receipt timeout and grace longer than the test: a record is sent once, or the test fails. (With a shared
        // subscription the broker hands a record and its chunk to different collectors, and the record often arrives
        // before the other collector has staged the chunk: it is held for it, not sent back 'incomplete'.)
        var resent = 0;
        var incomplete = 0;
        await using (var agent1 = await StartAgentAsync(temp, broker, "device-1", receiptTimeoutSeconds: 120))
        await using (var agent2 = await StartAgentAsync(temp, broker, "device-2", receiptTimeoutSeconds: 120))
        {
            foreach (var window in new[] { agent1, agent2 }.Select(x => x.Services.GetRequiredService<MqttUplinkService>().Window))
            {
                window.Resent += (_, count) => Interlocked.Add(ref resent, count);
                window.ReceiptArrived += (_, outcome) =>
                {
                    if (outcome.Status == ReceiptStatus.Incomplete)
                    {
                        Interlocked.Increment(ref incomplete);
                    }
                };
            }

            for (var i = 0; i < TriggersPerDevice; i++)
            {
                Trigger(agent1);
                Trigger(agent2);
            }

            await all.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await agent1.StopAsync();
            await agent2.StopAsync();
        }

        output.WriteLine($"collector-a stored {a.StoredCount}, collector-b stored {b.StoredCount}; {resent} resent, {incomplete} answered incomplete");
        Assert.Equal(0, incomplete);
        Assert.Equal(0, resent);
        Assert.Equal(Expected, stored.Select(s => s.Record.RecordId).Distinct().Count());
        Assert.Equal(Expected, a.StoredCount + b.StoredCount);
        Assert.True(a.StoredCount > 0 && b.StoredCount > 0, "the shared subscription should split the records between both collectors");
        AssertStoredOnce(database, store);
    }

    [Fact]
    public async Task Two_collector_processes_sharing_a_subscription_index_every_record_once_in_postgresql()
    {
        using var temp = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        var database = await postgres.Server.CreateDatabaseAsync();
        var store = temp.Combine("store");
        var args = await CollectorArgumentsAsync(temp, broker, database, store);
        await using var a = await CollectorProcess.StartAsync(args("collector-a"));
        await using var b = await CollectorProcess.StartAsync(args("collector-b"));
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnStored(int _)
        {
            if (a.StoredCount + b.StoredCount >= Expected)
            {
                all.TrySetResult();
            }
        }

        a.Stored += OnStored;
        b.Stored += OnStored;
        await using (var agent1 = await StartAgentAsync(temp, broker, "device-1", receiptTimeoutSeconds: 5))
        await using (var agent2 = await StartAgentAsync(temp, broker, "device-2", receiptTimeoutSeconds: 5))
        {
            for (var i = 0; i < TriggersPerDevice; i++)
            {
                Trigger(agent1);
                Trigger(agent2);
            }

            var done = await Task.WhenAny(all.Task, Task.Delay(TimeSpan.FromSeconds(60)));
            await agent1.StopAsync();
            await agent2.StopAsync();
            Assert.True(done == all.Task, $"stored {a.StoredCount} + {b.StoredCount} of {Expected}; {Missing(database)}\n--- a:\n{a.Log}\n--- b:\n{b.Log}");
        }

        output.WriteLine($"collector-a process stored {a.StoredCount}, collector-b process stored {b.StoredCount}");
        Assert.Equal(Expected, a.StoredCount + b.StoredCount);
        Assert.Equal(["collector-a", "collector-b"], PostgresEvidenceIndexTests.StoredBy(database).Distinct().Order());
        AssertStoredOnce(database, store);
    }

    [Fact]
    public async Task Collector_process_killed_while_records_flow_leaves_every_record_stored_exactly_once()
    {
        using var temp = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        var database = await postgres.Server.CreateDatabaseAsync();
        var store = temp.Combine("store");
        var args = await CollectorArgumentsAsync(temp, broker, database, store);
        var a = await CollectorProcess.StartAsync(args("collector-a"));
        await using var b = await CollectorProcess.StartAsync(args("collector-b"));
        CollectorProcess? restarted = null;
        var killedAfter = 0;
        var half = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnStored(int _)
        {
            if (a.StoredCount + b.StoredCount >= Expected / 2)
            {
                half.TrySetResult();
            }
        }

        a.Stored += OnStored;
        b.Stored += OnStored;
        try
        {
            // A short receipt timeout: records whose receipt died with the collector are sent again soon.
            await using var agent1 = await StartAgentAsync(temp, broker, "device-1", receiptTimeoutSeconds: 2);
            await using var agent2 = await StartAgentAsync(temp, broker, "device-2", receiptTimeoutSeconds: 2);
            var recorded = new List<Task<TriggerOutcome>>();
            for (var i = 0; i < TriggersPerDevice / 2; i++)
            {
                recorded.Add(RecordAsync(agent1));
                recorded.Add(RecordAsync(agent2));
            }

            await half.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await a.DisposeAsync(); // SIGKILL; the other half is recorded and sent while it is down
            killedAfter = a.StoredCount;
            for (var i = 0; i < TriggersPerDevice / 2; i++)
            {
                recorded.Add(RecordAsync(agent1));
                recorded.Add(RecordAsync(agent2));
            }

            restarted = await CollectorProcess.StartAsync(args("collector-a"));

            // Done when every record is in a device's outbox and every outbox is empty: a record leaves only on the
            // collector's receipt, sent after its index row is committed. (The collectors' "stored" log lines are no
            // measure: a collector killed after logging a record but before its batch committed logged one that is lost
            // and sent again.)
            await Task.WhenAll(recorded).WaitAsync(TimeSpan.FromSeconds(60));
            var drained = Task.WhenAll(DrainedAsync(agent1), DrainedAsync(agent2));
            var done = await Task.WhenAny(drained, Task.Delay(TimeSpan.FromSeconds(90)));
            await agent1.StopAsync();
            await agent2.StopAsync();
            Assert.True(done == drained, $"stored {killedAfter} + {restarted.StoredCount} + {b.StoredCount} of {Expected}; {Missing(database)}\n--- a:\n{restarted.Log}\n--- b:\n{b.Log}");
            output.WriteLine($"collector-a logged {killedAfter} stored before SIGKILL and {restarted.StoredCount} after restart; collector-b {b.StoredCount}");
        }
        finally
        {
            await a.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }

        AssertStoredOnce(database, store);
    }

    /// <summary>Publishes a trigger; completes when its records are durably in the agent's outbox.</summary>
    private static Task<TriggerOutcome> RecordAsync(WebApplication agent)
    {
        var time = TimeProvider.System;
        return agent.Services.GetRequiredService<TriggerBus>().PublishAndWaitAsync(new TriggerEvent("conveyor-1", TriggerKind.Manual, "test", "test", time.GetUtcNow(), time.GetTimestamp()));
    }

    /// <summary>Completes when the agent's outbox is empty: every record receipted by a collector.</summary>
    private static async Task DrainedAsync(WebApplication agent)
    {
        var outbox = agent.Services.GetRequiredService<EvidenceOutbox>();
        var window = agent.Services.GetRequiredService<MqttUplinkService>().Window;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async void Check(object? sender, int count)
        {
            if ((await outbox.StatsAsync()).Count == 0)
            {
                drained.TrySetResult();
            }
        }

        window.Delivered += Check;
        try
        {
            Check(null, 0);
            await drained.Task;
        }
        finally
        {
            window.Delivered -= Check;
        }
    }

    /// <summary>For failure messages: which sequences of each device the index lacks.</summary>
    private static string Missing(string database)
    {
        using var index = EvidenceIndexFactory.Open(new EvidenceIndexOptions { Provider = EvidenceIndexOptions.PostgreSql, ConnectionString = database }, "/nonexistent", "test");
        var counts = index.CountByDevice();
        return string.Join("; ", new[] { "device-1", "device-2" }.Select(d =>
            $"{d}: {counts.GetValueOrDefault(d)} indexed, gaps [{string.Join(", ", index.Gaps(d).Select(g => $"{g.From}..{g.To}"))}], highest {index.PreviousSequence(d, long.MaxValue)}"));
    }

    /// <summary>Every record once in PostgreSQL, gapless per device, and each indexed file on the shared store.</summary>
    private static void AssertStoredOnce(string database, string store)
    {
        using var index = EvidenceIndexFactory.Open(new EvidenceIndexOptions { Provider = EvidenceIndexOptions.PostgreSql, ConnectionString = database }, store, "test");
        Assert.Equal(new Dictionary<string, long> { ["device-1"] = TriggersPerDevice, ["device-2"] = TriggersPerDevice }, index.CountByDevice());
        Assert.Empty(index.Gaps("device-1"));
        Assert.Empty(index.Gaps("device-2"));

        using var connection = new NpgsqlConnection(database);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT path, COUNT(*) OVER () FROM records", connection);
        using var reader = command.ExecuteReader();
        var paths = new List<string>();
        while (reader.Read())
        {
            paths.Add(reader.GetString(0));
        }

        Assert.Equal(Expected, paths.Distinct().Count());
        Assert.All(paths, p => Assert.True(File.Exists(Path.Combine(store, p)), $"indexed file {p} is missing"));
        Assert.Equal(Expected, new EvidenceStore(store).Enumerate().Count());
    }

    /// <summary>A collector in the shared group "collectors" on a PostgreSQL index; with <paramref name="objectStore"/>, storing into that bucket.</summary>
    internal static CollectorService Collector(MosquittoProcess broker, string store, string clientId, string database, EdgeAgent.Central.Collector.ObjectStore.S3StoreOptions? objectStore = null) =>
        CollectorService.Open(
            new CollectorOptions
            {
                IncompleteGrace = TimeSpan.FromSeconds(120),
                Broker = new BrokerOptions { Url = broker.Url },
                OutputDirectory = store,
                ClientId = clientId,
                SubscriptionGroup = "collectors",
                Index = new EvidenceIndexOptions { Provider = EvidenceIndexOptions.PostgreSql, ConnectionString = database },
                ObjectStore = objectStore,
            },
            NullLogger<CollectorService>.Instance);

    internal static async Task<WebApplication> StartAgentAsync(TempDirectory temp, MosquittoProcess broker, string deviceId, int? receiptTimeoutSeconds = null, int? maxChunkBytes = null)
    {
        var state = temp.Combine(deviceId);
        Directory.CreateDirectory(state);
        var config = AgentConfig.Baseline(state, broker.Url);
        config["DeviceId"] = deviceId;
        if (receiptTimeoutSeconds is { } timeout)
        {
            config["Broker"]!["ReceiptTimeoutSeconds"] = timeout;
        }

        if (maxChunkBytes is { } chunk)
        {
            config["Broker"]!["MaxChunkBytes"] = chunk; // several chunks per image: a record's chunks are spread over the group's members
        }

        var app = AgentHost.Build(ConfigLoader.Build(AgentConfig.Write(state, config)), configureLogging: l => l.ClearProviders());
        await app.StartAsync();
        return app;
    }

    internal static void Trigger(WebApplication agent)
    {
        var time = TimeProvider.System;
        agent.Services.GetRequiredService<TriggerBus>().Publish(new TriggerEvent("conveyor-1", TriggerKind.Manual, "test", "test", time.GetUtcNow(), time.GetTimestamp()));
    }

    /// <summary>The command line of a collector process in the shared group, indexing into <paramref name="database"/>.</summary>
    private static async Task<Func<string, string[]>> CollectorArgumentsAsync(TempDirectory temp, MosquittoProcess broker, string database, string store)
    {
        var connectionFile = temp.Combine("index-connection");
        await File.WriteAllTextAsync(connectionFile, database); // a file, as on a server: the connection string holds a password
        return id => ["--broker", broker.Url, "--output", store, "--client-id", id, "--shared-group", "collectors", "--index", "postgresql", "--index-connection-file", connectionFile];
    }
}
