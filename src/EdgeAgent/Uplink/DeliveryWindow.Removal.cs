using System.Threading.Channels;
using EdgeAgent.Outbox;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Uplink;

/// <summary>
/// Leaving the outbox, the second stage beside the sending: receipted records are removed in one transaction (one
/// WAL sync) for all receipts that arrived while the previous removal was being written, so the batches grow with
/// the rate instead of costing a sync per receipt, and the window never waits for a sync before it refills. A crash
/// between the receipt and the removal only sends the record again; the collector answers <c>duplicate</c>.
/// </summary>
public sealed partial class DeliveryWindow
{
    private readonly Channel<Removal> removals = Channel.CreateUnbounded<Removal>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <summary>Removals that could not be written (disk full); tried again with the next batch, or after <see cref="IdleCheck"/>.</summary>
    private readonly List<Removal> deferred = [];

    /// <summary>Removal transactions written so far; for tests and the benchmark.</summary>
    public int RemovalBatches { get; private set; }

    /// <summary>Runs until <paramref name="stopping"/> is cancelled, then removes what is still queued and returns.</summary>
    private async Task RemoveLoopAsync(CancellationToken stopping)
    {
        await Task.Yield(); // the caller goes on sending
        while (true)
        {
            var removedAll = await RemoveQueuedAsync();
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var waits = new List<Task> { removals.Reader.WaitToReadAsync(wake.Token).AsTask() };
            if (!removedAll)
            {
                waits.Add(Task.Delay(IdleCheck, timeProvider, wake.Token));
            }

            await Task.WhenAny(waits);
            await wake.CancelAsync();
        }
    }

    /// <summary>Removes every queued (and deferred) record in one transaction; false when it had to be deferred.</summary>
    private async Task<bool> RemoveQueuedAsync()
    {
        var batch = new List<Removal>(deferred);
        deferred.Clear();
        while (removals.Reader.TryRead(out var removal))
        {
            batch.Add(removal);
        }

        if (batch.Count == 0)
        {
            return true;
        }

        long remaining;
        try
        {
            await outbox.CompleteManyAsync([.. batch.Select(r => (r.Sequence, r.RecordId))], CancellationToken.None); // finish the batch even when stopping
            remaining = await outbox.CountAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is OutboxDiskFullException or SqliteException)
        {
            // Not a connection fault: keep the receipts and remove them later (never a reconnect loop).
            Log.RemovalDeferred(logger, batch.Count, ex.Message);
            deferred.AddRange(batch);
            return false;
        }

        RemovalBatches++;
        var records = batch.Count(r => r.ImageBytes is not null);
        var bytes = batch.Sum(r => (long)(r.ImageBytes ?? 0));
        var (depth, depthBytes) = (remaining + records, 0L);
        if (!IsDraining && remaining > 0)
        {
            // Only when a drain may start here (its first log line gives the bytes): a full count, not per batch.
            var stats = await outbox.StatsAsync(CancellationToken.None);
            depthBytes = stats.Bytes + bytes;
        }

        lock (backlog)
        {
            backlog.Flowing(depth, depthBytes);
            backlog.Delivered(records, bytes, remaining);
        }

        Delivered?.Invoke(this, batch.Count); // after the drain's log line, so whoever waits for an empty outbox sees it
        return true;
    }

    private bool IsDraining
    {
        get
        {
            lock (backlog)
            {
                return backlog.IsDraining;
            }
        }
    }

    /// <summary>A receipted record to remove; <paramref name="ImageBytes"/> is null when it was no longer in flight (a repeated receipt).</summary>
    private readonly record struct Removal(long Sequence, Guid RecordId, int? ImageBytes);
}
