using Microsoft.Data.Sqlite;

namespace EdgeAgent.Tests.Uplink;

/// <summary>An outbox file copied while its removals were held (a crash between receipts and their removal), read and drained again.</summary>
internal static class CrashedOutbox
{
    /// <summary>Sequence numbers in the outbox file, read on a connection of the test's own.</summary>
    public static List<long> Sequences(string stateDirectory)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(stateDirectory, "outbox.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq FROM items ORDER BY seq";
        using var reader = command.ExecuteReader();
        var sequences = new List<long>();
        while (reader.Read())
        {
            sequences.Add(reader.GetInt64(0));
        }

        return sequences;
    }

    /// <summary>
    /// Drains <paramref name="count"/> records from <paramref name="before"/> to the collector while no removal can be
    /// written (a write stuck on a slow disk), waits for every stored receipt, then copies the outbox files to
    /// <paramref name="crashed"/>: what a kill -9 at that moment leaves (no removal written).
    /// </summary>
    public static async Task CrashAfterReceiptsAsync(UplinkHarness before, CollectorHarness collector, string crashed, int count, TimeSpan patience)
    {
        var receipted = 0;
        var allReceipted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        before.Uplink.Window.ReceiptArrived += (_, outcome) =>
        {
            if (outcome.Status == ReceiptStatus.Stored && Interlocked.Increment(ref receipted) == count)
            {
                allReceipted.TrySetResult();
            }
        };

        var held = await before.Outbox.HoldWriterAsync().WaitAsync(patience);
        try
        {
            await before.StartAsync();
            await collector.WaitForStoredAsync(count, patience);
            await allReceipted.Task.WaitAsync(patience);
            Directory.CreateDirectory(crashed);
            foreach (var file in new[] { "outbox.db", "outbox.db-wal", EdgeAgent.Outbox.ChainHead.FileName })
            {
                File.Copy(Path.Combine(before.Options.StateDirectory, file), Path.Combine(crashed, file));
            }
        }
        finally
        {
            held.Dispose();
        }
    }

    /// <summary>
    /// Starts an uplink on the crashed outbox and asserts it resends every record, the collector answers each one
    /// duplicate and stores none again, and the outbox empties.
    /// </summary>
    public static async Task AssertResentAsDuplicatesAsync(string crashed, string brokerUrl, CollectorHarness collector, IReadOnlyList<EvidenceRecord> records, TimeSpan patience)
    {
        await using var after = new UplinkHarness(crashed, brokerUrl, b => b.MaxInFlightRecords = 4);
        var answers = new List<ReceiptStatus>();
        after.Uplink.Window.ReceiptArrived += (_, outcome) =>
        {
            lock (answers)
            {
                answers.Add(outcome.Status);
            }
        };
        await after.StartAsync();
        await after.WaitUntilDrainedAsync(patience);

        Assert.Empty(Sequences(crashed));
        lock (answers)
        {
            Assert.Equal(Enumerable.Repeat(ReceiptStatus.Duplicate, records.Count), answers); // resent, recognised, not stored again
        }

        Assert.Equal(records.Select(r => r.RecordId).Order(), collector.Stored.Select(r => r.RecordId).Order());
        Assert.Equal(records.Count, collector.Service.Store.List().Count());
    }
}
