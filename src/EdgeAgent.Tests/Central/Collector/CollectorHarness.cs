using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// A real <see cref="CollectorService"/> that remembers what it stored, in order, and lets a test await a count.
/// Disposing it fails the test if the collector logged an error the test did not allow (<see cref="AllowErrors"/>).
/// </summary>
public sealed class CollectorHarness : IAsyncDisposable
{
    private readonly ConcurrentQueue<EvidenceRecord> stored = new();
    private readonly Lock sync = new();
    private readonly List<(int Count, TaskCompletionSource Done)> waiters = [];
    private readonly ErrorLogGuard errors = new();
    private readonly ILoggerFactory loggers;

    public CollectorHarness(string root, BrokerOptions broker, string clientId = "test-collector", string? sharedGroup = "edgeagent-collectors", string? keysDirectory = null, string? receiptKeyFile = null, EdgeAgent.Central.Collector.ObjectStore.S3StoreOptions? objectStore = null)
    {
        loggers = LoggerFactory.Create(b => b.AddProvider(errors));
        Service = CollectorService.Open(new CollectorOptions { Broker = broker, OutputDirectory = root, ClientId = clientId, SubscriptionGroup = sharedGroup, KeysDirectory = keysDirectory, ReceiptKeyFile = receiptKeyFile, ObjectStore = objectStore }, loggers.CreateLogger<CollectorService>());
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

    /// <summary>Warnings the collector logged so far, as "category[event id] message".</summary>
    public IReadOnlyList<string> Warnings => errors.Warnings;

    /// <summary>This test provokes errors containing these fragments (message or event id): they do not fail it.</summary>
    public CollectorHarness AllowErrors(params string[] fragments)
    {
        foreach (var fragment in fragments)
        {
            errors.Allow(fragment);
        }

        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        loggers.Dispose();
        errors.AssertNoUnexpected();
    }
}
