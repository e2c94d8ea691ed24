using System.Collections.Concurrent;
using EdgeAgent.Central.Collector;
using EdgeAgent.Configuration;
using EdgeAgent.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>A real <see cref="CollectorService"/> that remembers what it stored, in order, and lets a test await a count.</summary>
public sealed class CollectorHarness : IAsyncDisposable
{
    private readonly ConcurrentQueue<EvidenceRecord> stored = new();
    private readonly Lock sync = new();
    private readonly List<(int Count, TaskCompletionSource Done)> waiters = [];

    public CollectorHarness(string root, BrokerOptions broker, string clientId = "test-collector", string? sharedGroup = "edgeagent-collectors", string? keysDirectory = null, string? receiptKeyFile = null, EdgeAgent.Central.Collector.ObjectStore.S3StoreOptions? objectStore = null)
    {
        Service = new CollectorService(new CollectorOptions { Broker = broker, OutputDirectory = root, ClientId = clientId, SubscriptionGroup = sharedGroup, KeysDirectory = keysDirectory, ReceiptKeyFile = receiptKeyFile, ObjectStore = objectStore }, NullLogger<CollectorService>.Instance);
        Service.RecordStored += (_, record) =>
        {
            stored.Enqueue(record);
            lock (sync)
            {
                foreach (var waiter in waiters.Where(w => stored.Count >= w.Count))
                {
                    waiter.Done.TrySetResult();
                }
            }
        };
    }

    public CollectorService Service { get; }

    /// <summary>Stored records in the order they were stored.</summary>
    public IReadOnlyList<EvidenceRecord> Stored => [.. stored];

    public Task StartAsync() => Service.StartAsync();

    public async Task WaitForStoredAsync(int count, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (sync)
        {
            if (stored.Count >= count)
            {
                return;
            }

            waiters.Add((count, done));
        }

        try
        {
            await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"collector stored {stored.Count} of {count} records within {timeout.TotalSeconds} s");
        }
    }

    public ValueTask DisposeAsync() => Service.DisposeAsync();
}
