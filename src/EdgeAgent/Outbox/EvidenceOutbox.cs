using EdgeAgent.Configuration;
using EdgeAgent.Protocol;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Outbox;

/// <summary>
/// The durable store-and-forward queue: SQLite in WAL mode with <c>synchronous=FULL</c>, so a record and
/// its image are on disk (WAL fsynced) before <c>AppendAsync</c> returns, and survive kill -9 and
/// power loss. Records leave only through <see cref="CompleteAsync"/>. The outbox keeps the chain's end (next
/// sequence, last hash, <see cref="ReadNextLinkAsync"/>) and stores only a record that continues it, so sequences are
/// gapless across restarts; the evidence stage signs each record with that link before handing it over. The chain
/// head is also kept in a second place (<see cref="ChainHead"/>), so a lost or rolled-back outbox never makes a number
/// be used twice.
/// Start-up recovery is in <c>EvidenceOutbox.Recovery.cs</c>, disk space in <c>EvidenceOutbox.Space.cs</c>.
/// </summary>
public sealed partial class EvidenceOutbox : IDisposable
{
    private SqliteConnection connection = null!; // set once, by Open
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly OutboxOptions options;
    private readonly ChainHead head;
    private readonly string directory;
    private long evidenceBytes = -1;

    /// <summary>Records in the outbox, kept under <see cref="gate"/> once counted (-1: not yet); see <see cref="CountAsync"/>.</summary>
    private long itemCount = -1;
    private long pageSize = 4096;
    private TaskCompletionSource appended = NewSignal();

    /// <summary>Disk-full, quota and lost-state facts, for the health model and the status API.</summary>
    public OutboxCondition Condition { get; } = new();

    /// <summary>The disk reserve and the non-evidence that may be dropped to make room for evidence.</summary>
    public OutboxSpace Space { get; }

    /// <summary>
    /// Opens the outbox at <paramref name="path"/>, checking it against the chain head kept beside it
    /// (see <see cref="ChainHead"/>): an outbox that is unreadable, fails <c>PRAGMA quick_check</c>, is empty or
    /// ends before the head is quarantined, and the sequence continues after the head.
    /// </summary>
    public static EvidenceOutbox Open(string path, OutboxOptions? options = null)
    {
        options ??= new OutboxOptions();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Platform.StateFiles.CreateDirectory(directory);
        var head = ChainHead.Open(directory);
        var outbox = new EvidenceOutbox(options, directory, new OutboxSpace(directory, options.ReserveBytes), head);
        try
        {
            outbox.connection = outbox.Recover(path);
        }
        catch
        {
            head.Dispose();
            throw;
        }

        outbox.Space.HoldReserve();
        return outbox;
    }

    /// <summary>Only assigns: the disk and database work is <see cref="Open"/>'s.</summary>
    private EvidenceOutbox(OutboxOptions options, string directory, OutboxSpace space, ChainHead head)
    {
        this.options = options;
        this.directory = directory;
        Space = space;
        this.head = head;
    }

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private static SqliteConnection OpenConnection(string path)
    {
        Platform.StateFiles.CreateOwnerOnly(path); // SQLite gives -wal and -shm the database file's mode
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA auto_vacuum=INCREMENTAL;
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=FULL;
                PRAGMA wal_autocheckpoint=256;
                PRAGMA journal_size_limit=1048576;
                CREATE TABLE IF NOT EXISTS items(
                  seq INTEGER PRIMARY KEY,
                  record_id TEXT NOT NULL UNIQUE,
                  record BLOB NOT NULL,
                  image BLOB NOT NULL,
                  created_at TEXT NOT NULL,
                  attempts INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT OR IGNORE INTO meta(key, value) VALUES('next_sequence', 1);
                CREATE TABLE IF NOT EXISTS chain(id INTEGER PRIMARY KEY CHECK (id = 1), last_hash TEXT NOT NULL);
                SELECT COUNT(*) FROM items;
                """;
            command.ExecuteNonQuery();
            foreach (var companion in new[] { "-wal", "-shm" })
            {
                Platform.StateFiles.Restrict(path + companion); // made by an older version under a loose umask
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Moves an unreadable outbox (and its WAL) to <c>quarantine/</c> beside it; returns the new path. With
    /// <paramref name="keepReadable"/>, copies of the database and WAL are put back, so records still readable in
    /// it are delivered (a resend the collector drops if it already has them).
    /// </summary>
    private static string Quarantine(string path, bool keepReadable = false)
    {
        var quarantine = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "quarantine");
        Platform.StateFiles.CreateDirectory(quarantine);
        var target = Path.Combine(quarantine, $"{Path.GetFileNameWithoutExtension(path)}-{DateTime.UtcNow:yyyyMMddTHHmmssfffZ}{Path.GetExtension(path)}");
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            if (File.Exists(path + suffix))
            {
                File.Move(path + suffix, target + suffix, overwrite: true);
            }
        }

        Platform.DurableFile.SyncDirectory(quarantine);
        if (keepReadable)
        {
            foreach (var suffix in new[] { "", "-wal" })
            {
                if (File.Exists(target + suffix))
                {
                    File.Copy(target + suffix, path + suffix);
                    Platform.StateFiles.Restrict(path + suffix);
                }
            }
        }

        Platform.DurableFile.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return target;
    }

    /// <summary>Raised after a record is durably appended (for metrics).</summary>
    public event EventHandler<EvidenceRecord>? Appended;

    /// <summary>Completes when something is appended after the call; lets the uplink sleep while idle.</summary>
    public Task WhenAppended => Volatile.Read(ref appended).Task;

    /// <summary>
    /// Where the chain stands: the sequence and <c>prevHash</c> the next record must carry (after a restart, a
    /// quarantine or a crash, as <see cref="Open"/> recovered it). The evidence stage reads it once and then keeps it.
    /// </summary>
    public async Task<NextLink> ReadNextLinkAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return ReadNextLink(null);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Stores a finished, signed record and its image durably, in one transaction. In that transaction the outbox first
    /// checks that the record continues its chain (its sequence is the next one, its <c>prevHash</c> the hash of the
    /// last record, <see cref="ChainRule"/>): otherwise it throws <see cref="ChainContinuityException"/>, the transaction
    /// rolls back and no record is written. The record is stored as it is; the outbox never builds or changes one. Returns the link the
    /// next record must carry (this record's sequence + 1 and its hash, which the outbox computes for its chain anyway).
    /// </summary>
    public async Task<NextLink> AppendAsync(EvidenceRecord record, byte[] image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(image);
        await gate.WaitAsync(cancellationToken);
        NextLink next;
        try
        {
            // Room for it beyond the reserve, after dropping non-evidence if need be; else a clear refusal.
            if (MakeRoom(image.Length + RecordAllowance) is { } full)
            {
                throw full;
            }

            using var tx = connection.BeginTransaction();
            var expected = ReadNextLink(tx);
            if (ChainRule.CheckLink(record, expected.Sequence - 1, expected.PrevHash) is { } broken)
            {
                throw new ChainContinuityException(expected, record.Sequence, record.PrevHash, broken.Detail); // the transaction rolls back: nothing written
            }

            var sequence = record.Sequence;
            var json = record.ToJson();
            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO items(seq, record_id, record, image, created_at) VALUES($seq, $id, $record, $image, $at)";
                insert.Parameters.AddWithValue("$seq", sequence);
                insert.Parameters.AddWithValue("$id", record.RecordId.ToString());
                insert.Parameters.AddWithValue("$record", json);
                insert.Parameters.AddWithValue("$image", image);
                insert.Parameters.AddWithValue("$at", record.CreatedAt.ToString("O"));
                insert.ExecuteNonQuery();
            }

            Execute("UPDATE meta SET value = value + 1 WHERE key='next_sequence'", tx);
            var hash = EvidenceSignature.RecordHash(json);
            using (var link = connection.CreateCommand())
            {
                link.Transaction = tx;
                link.CommandText = "INSERT INTO chain(id, last_hash) VALUES(1, $hash) ON CONFLICT(id) DO UPDATE SET last_hash = excluded.last_hash";
                link.Parameters.AddWithValue("$hash", hash);
                link.ExecuteNonQuery();
            }

            tx.Commit();
            if (itemCount >= 0)
            {
                Volatile.Write(ref itemCount, itemCount + 1);
            }

            lastAppendBytes = json.Length + image.Length;
            AdvanceHead(sequence, hash);
            next = new NextLink(sequence + 1, hash);
        }
        catch (SqliteException ex) when (OutboxDiskFullException.IsDiskFull(ex))
        {
            // SQLite rolled the transaction back: nothing half-written, the sequence number is not used up. The
            // reserve goes, so that receipts can still remove records and health can still be written.
            Space.ReleaseReserve();
            throw Refuse(ex.Message, ex);
        }
        finally
        {
            gate.Release();
        }

        Interlocked.Exchange(ref appended, NewSignal()).TrySetResult();
        Appended?.Invoke(this, record);
        await CheckQuotaAsync(record.RecordId, cancellationToken);
        return next;
    }

    /// <summary>The oldest undelivered items, in sequence order.</summary>
    public Task<IReadOnlyList<OutboxItem>> PeekAsync(int limit, CancellationToken cancellationToken = default) =>
        PeekAfterAsync(0, limit, cancellationToken);

    /// <summary>The oldest undelivered items with a sequence number above <paramref name="afterSequence"/>.</summary>
    /// <remarks>On the reading connection: not held up by a removal's or an append's sync (WAL: readers never wait for the writer).</remarks>
    public async Task<IReadOnlyList<OutboxItem>> PeekAfterAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        await readGate.WaitAsync(cancellationToken);
        try
        {
            using var command = Reader.CreateCommand();
            command.CommandText = "SELECT seq, record_id, record, image, attempts FROM items WHERE seq > $after ORDER BY seq LIMIT $limit";
            command.Parameters.AddWithValue("$after", afterSequence);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var items = new List<OutboxItem>();
            while (reader.Read())
            {
                items.Add(new OutboxItem(reader.GetInt64(0), Guid.Parse(reader.GetString(1)), (byte[])reader[2], (byte[])reader[3], reader.GetInt32(4)));
            }

            return items;
        }
        finally
        {
            readGate.Release();
        }
    }

    /// <summary>
    /// Takes the outbox's writer until the returned handle is disposed, as a write stuck on a slow disk would: tests use
    /// it to show that delivery goes on while no removal can be written.
    /// </summary>
    internal async Task<IDisposable> HoldWriterAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        return new HeldGate(gate);
    }

    private sealed class HeldGate(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    /// <summary>Counts a delivery attempt, so health can show records that keep failing.</summary>
    public async Task MarkAttemptAsync(long sequence, CancellationToken cancellationToken = default)
    {
        if (Condition.State == OutboxState.DiskFull)
        {
            return; // bookkeeping only: on a full disk it would grow the WAL that receipts need
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE items SET attempts = attempts + 1 WHERE seq = $seq";
            command.Parameters.AddWithValue("$seq", sequence);
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (OutboxDiskFullException.IsDiskFull(ex))
        {
            // Only bookkeeping for health: on a full disk the resend matters, the count does not.
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Depth, total bytes and the oldest item's creation time; on the reading connection, as <see cref="PeekAfterAsync"/>.</summary>
    public async Task<(long Count, long Bytes, DateTimeOffset? Oldest)> StatsAsync(CancellationToken cancellationToken = default)
    {
        await readGate.WaitAsync(cancellationToken);
        try
        {
            using var command = Reader.CreateCommand();
            // length() of a blob reads only the row header, and the oldest is the first by sequence (one row): no image
            // is read. MIN(created_at) read every image, since created_at is stored after it (the whole outbox per call).
            command.CommandText = "SELECT COUNT(*), COALESCE(SUM(length(record) + length(image)), 0), (SELECT created_at FROM items ORDER BY seq LIMIT 1) FROM items";
            using var reader = command.ExecuteReader();
            reader.Read();
            DateTimeOffset? oldest = reader.IsDBNull(2) ? null : DateTimeOffset.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture);
            return (reader.GetInt64(0), reader.GetInt64(1), oldest);
        }
        finally
        {
            readGate.Release();
        }
    }

    /// <summary>The sequence and prevHash the next record must carry; the caller holds <see cref="gate"/>.</summary>
    private NextLink ReadNextLink(SqliteTransaction? tx) =>
        new(Scalar("SELECT value FROM meta WHERE key='next_sequence'", tx), LastHash(tx));

    private string LastHash(SqliteTransaction? tx)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT last_hash FROM chain WHERE id = 1";
        return command.ExecuteScalar() as string ?? EvidenceSignature.GenesisHash;
    }

    private long Scalar(string sql, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private void Execute(string sql, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose()
    {
        connection.Dispose();
        readConnection?.Dispose();
        readGate.Dispose();
        head.Dispose();
        gate.Dispose();
    }
}
