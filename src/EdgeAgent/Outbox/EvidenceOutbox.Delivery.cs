using System.Buffers;
using EdgeAgent.Configuration;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace EdgeAgent.Outbox;

/// <summary>Leaving the outbox: removal on receipts (batched) and the evidence quota that turns the condition critical.</summary>
public sealed partial class EvidenceOutbox
{
    private SqliteConnection? readConnection;
    private readonly SemaphoreSlim readGate = new(1, 1);

    /// <summary>
    /// A second connection to the same file, for the uplink's reads only (<c>query_only</c>; not memory-mapped: a read from a failing card through a mapping is a SIGBUS that kills the agent, where <c>pread</c> gives SQLite an error):
    /// in WAL mode a reader sees every committed transaction and never waits for the writer, so records are read while
    /// removals are synced. Opened at the first read (the file is recovered by then); used under <c>readGate</c>.
    /// </summary>
    private SqliteConnection Reader
    {
        get
        {
            if (readConnection is null)
            {
                var reader = new SqliteConnection(connection.ConnectionString);
                try
                {
                    reader.Open();
                    using var command = reader.CreateCommand();
                    command.CommandText = "PRAGMA query_only=1";
                    command.ExecuteNonQuery();
                }
                catch
                {
                    reader.Dispose();
                    throw;
                }

                readConnection = reader;
            }

            return readConnection;
        }
    }

    /// <summary>
    /// As <see cref="PeekAfterAsync"/>, for sending: each image is read with incremental blob I/O (<c>sqlite3_blob_read</c>)
    /// straight into a buffer rented from the shared pool, one copy out of SQLite's page cache. Selecting the image column
    /// made SQLite assemble its overflow pages into a copy of its own, which was then copied again into a new array.
    /// The rows and their images come from one snapshot (a read transaction), so a removal meanwhile cannot tear them.
    /// </summary>
    public Task<IReadOnlyList<DeliveryItem>> ReadForDeliveryAsync(long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        ReadRowsAsync("seq > $after ORDER BY seq LIMIT $limit", p =>
        {
            p.AddWithValue("$after", afterSequence);
            p.AddWithValue("$limit", limit);
        }, cancellationToken);

    /// <summary>
    /// As <see cref="ReadForDeliveryAsync(long, int, CancellationToken)"/>, the rows with these sequence numbers that are
    /// still here (in order): records sent again, which need not be next to each other in the outbox.
    /// </summary>
    public Task<IReadOnlyList<DeliveryItem>> ReadForDeliveryAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken = default) =>
        sequences.Count == 0
            ? Task.FromResult<IReadOnlyList<DeliveryItem>>([])
            : ReadRowsAsync("seq IN (SELECT value FROM json_each($sequences)) ORDER BY seq", p => p.AddWithValue("$sequences", "[" + string.Join(',', sequences) + "]"), cancellationToken);

    /// <summary>Image buffers the items read for sending hold now and held at most; for tests.</summary>
    internal BufferLedger ImageBuffers { get; } = new();

    private async Task<IReadOnlyList<DeliveryItem>> ReadRowsAsync(string where, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        await readGate.WaitAsync(cancellationToken);
        try
        {
            var reader = Reader;
            using var snapshot = reader.BeginTransaction(deferred: true);
            var rows = new List<(long Sequence, Guid RecordId, byte[] Record, int ImageLength)>();
            using (var command = reader.CreateCommand())
            {
                command.Transaction = snapshot;
                command.CommandText = "SELECT seq, record_id, record, length(image) FROM items WHERE " + where;
                bind(command.Parameters);
                using var rowReader = command.ExecuteReader();
                while (rowReader.Read())
                {
                    rows.Add((rowReader.GetInt64(0), Guid.Parse(rowReader.GetString(1)), (byte[])rowReader[2], rowReader.GetInt32(3)));
                }
            }

            return ReadImages(reader, rows, ImageBuffers);
        }
        finally
        {
            readGate.Release();
        }
    }

    /// <summary>Each row's image into a rented buffer, one blob handle moved from row to row (<c>sqlite3_blob_reopen</c> compiles nothing).</summary>
    private static List<DeliveryItem> ReadImages(SqliteConnection reader, List<(long Sequence, Guid RecordId, byte[] Record, int ImageLength)> rows, BufferLedger ledger)
    {
        var items = new List<DeliveryItem>(rows.Count);
        sqlite3_blob? blob = null;
        try
        {
            foreach (var (sequence, recordId, record, length) in rows)
            {
                var rc = blob is null
                    ? raw.sqlite3_blob_open(reader.Handle, "main", "items", "image", sequence, 0, out blob)
                    : raw.sqlite3_blob_reopen(blob, sequence);
                SqliteException.ThrowExceptionForRC(rc, reader.Handle);
                var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
                ledger.Rented(buffer.Length);
                var item = new DeliveryItem(sequence, recordId, record, buffer, length) { Ledger = ledger };
                items.Add(item); // returned below if the read fails
                SqliteException.ThrowExceptionForRC(raw.sqlite3_blob_read(blob, buffer.AsSpan(0, length), 0), reader.Handle);
            }

            return items;
        }
        catch
        {
            foreach (var item in items)
            {
                item.Return();
            }

            throw;
        }
        finally
        {
            blob?.Dispose();
        }
    }

    /// <summary>Removes a delivered item.</summary>
    public Task CompleteAsync(long sequence, CancellationToken cancellationToken = default) =>
        RemoveAsync([(sequence, null)], cancellationToken);

    /// <summary>
    /// Removes delivered items in one transaction: one WAL sync for a whole burst of receipts (SD-card
    /// friendly). Losing a removal to power loss only causes a resend, which the collector drops. On a full disk
    /// the reserve is given up so that removals still go through (they are what makes room).
    /// </summary>
    /// <param name="receipted">Sequence and record id of each receipt; an item is removed only when both match.</param>
    /// <exception cref="OutboxDiskFullException">Even without the reserve the removal could not be written; nothing was removed.</exception>
    public Task CompleteManyAsync(IReadOnlyCollection<(long Sequence, Guid RecordId)> receipted, CancellationToken cancellationToken = default) =>
        RemoveAsync([.. receipted.Select(r => (r.Sequence, (Guid?)r.RecordId))], cancellationToken);

    private async Task RemoveAsync(IReadOnlyCollection<(long Sequence, Guid? RecordId)> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            var (removed, rows) = WithReserve(() => Delete(items));
            if (evidenceBytes >= 0)
            {
                evidenceBytes -= removed;
            }

            if (itemCount >= 0)
            {
                Volatile.Write(ref itemCount, itemCount - rows);
            }
        }
        catch (SqliteException ex) when (OutboxDiskFullException.IsDiskFull(ex))
        {
            throw new OutboxDiskFullException(directory, $"receipted records could not be removed: {ex.Message}", ex);
        }
        finally
        {
            gate.Release();
        }

        ReportQuota();
        await RefreshSpaceAsync(CancellationToken.None); // removals are what brings space back
    }

    private (long Bytes, int Rows) Delete(IReadOnlyCollection<(long Sequence, Guid? RecordId)> items)
    {
        using var tx = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "DELETE FROM items WHERE seq = $seq AND ($id IS NULL OR record_id = $id) RETURNING length(record) + length(image)";
        var seq = command.Parameters.Add("$seq", SqliteType.Integer);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        long removed = 0;
        var rows = 0;
        foreach (var (sequence, recordId) in items)
        {
            seq.Value = sequence;
            id.Value = recordId?.ToString() ?? (object)DBNull.Value;
            if (command.ExecuteScalar() is long bytes)
            {
                removed += bytes;
                rows++;
            }
        }

        tx.Commit();
        return (removed, rows);
    }

    /// <summary>
    /// Records waiting: counted once (on the record-id index, no image read), then kept in memory by appends and
    /// removals under the writer's gate. The uplink asks after every removal batch, and each count read the whole index
    /// again (about 30 pages per 3,000 records: every write empties the reading connection's page cache).
    /// </summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref itemCount) is var known and >= 0)
        {
            return known;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (itemCount < 0)
            {
                itemCount = Scalar("SELECT COUNT(*) FROM items");
            }

            return itemCount;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Evidence past <see cref="OutboxOptions.EvidenceQuotaBytes"/> is kept (never dropped) but raises a critical alert.</summary>
    /// <remarks>The byte count is kept in memory (one full sum at the first check), so a check costs one row lookup.</remarks>
    private async Task CheckQuotaAsync(Guid appendedRecordId, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            using var command = connection.CreateCommand();
            if (evidenceBytes < 0)
            {
                command.CommandText = "SELECT COALESCE(SUM(length(record) + length(image)), 0) FROM items";
                evidenceBytes = (long)command.ExecuteScalar()!;
            }
            else
            {
                command.CommandText = "SELECT length(record) + length(image) FROM items WHERE record_id = $id";
                command.Parameters.AddWithValue("$id", appendedRecordId.ToString());
                evidenceBytes += command.ExecuteScalar() as long? ?? 0;
            }
        }
        finally
        {
            gate.Release();
        }

        ReportQuota();
    }

    private void ReportQuota()
    {
        if (evidenceBytes >= 0)
        {
            Condition.ReportEvidenceBytes(evidenceBytes, options.EvidenceQuotaBytes);
        }
    }
}
