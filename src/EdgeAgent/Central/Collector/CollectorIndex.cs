using EdgeAgent.Protocol;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// The collector's SQLite index (<c>{root}/index.db</c>, WAL, synchronous=FULL, busy timeout so several
/// collector processes on one host can share it): one row per stored record. It is the authority for
/// idempotence (primary key = record id) and for per-device sequence gaps.
/// </summary>
public sealed class CollectorIndex : IEvidenceIndex, IGroupCommitIndex
{
    private readonly SqliteConnection connection;
    private readonly Lock sync = new();

    /// <summary>Only assigns: opening and migrating the database is <see cref="Open"/>'s.</summary>
    private CollectorIndex(SqliteConnection connection)
    {
        this.connection = connection;
    }

    /// <summary>Opens (creating or migrating it) the index <c>index.db</c> under <paramref name="root"/>.</summary>
    public static CollectorIndex Open(string root)
    {
        var path = Path.Combine(Path.GetFullPath(root), "index.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        var index = new CollectorIndex(connection);
        try
        {
            connection.Open();
            index.Migrate();
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return index;
    }

    private void Migrate()
    {
        Execute("""
            PRAGMA busy_timeout=10000;
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS records(
              record_id TEXT PRIMARY KEY,
              device TEXT NOT NULL,
              site TEXT NOT NULL,
              sequence INTEGER NOT NULL,
              work_order TEXT NOT NULL,
              step TEXT NOT NULL,
              path TEXT NOT NULL,
              sha256 TEXT NOT NULL,
              created_at TEXT NOT NULL,
              stored_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS records_device_sequence ON records(device, sequence);
            """);
        AddChainColumns();
    }

    /// <summary>Adds the hash-chain columns to an index created before they existed (one process at a time).</summary>
    private void AddChainColumns()
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('records') WHERE name = 'record_hash'";
        if ((long)command.ExecuteScalar()! == 0)
        {
            command.CommandText = "ALTER TABLE records ADD COLUMN record_hash TEXT; ALTER TABLE records ADD COLUMN prev_hash TEXT; ALTER TABLE records ADD COLUMN chain_break TEXT;";
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private SqliteTransaction? batch;

    /// <summary>Index transactions committed since open (one per record, or one per batch under group commit); for tests and metrics.</summary>
    public long Commits { get; private set; }

    /// <summary>
    /// Opens one write transaction for a batch (group commit): every <see cref="TryAdd"/> and <see cref="FlagChainBreak"/> until
    /// <see cref="CommitBatch"/> becomes durable at once, with one WAL sync. Reads on this connection see the batch's rows.
    /// </summary>
    public void BeginBatch()
    {
        lock (sync)
        {
            batch ??= connection.BeginTransaction(deferred: false);
        }
    }

    /// <summary>Makes the open batch durable (one commit, synchronous=FULL); nothing when no batch is open.</summary>
    public void CommitBatch()
    {
        lock (sync)
        {
            if (batch is null)
            {
                return;
            }

            try
            {
                batch.Commit();
                Commits++;
            }
            finally
            {
                batch.Dispose();
                batch = null;
            }
        }
    }

    /// <summary>Forgets the open batch (a write failed before the batch was durable); its messages are redelivered.</summary>
    public void RollbackBatch()
    {
        lock (sync)
        {
            try
            {
                batch?.Rollback();
            }
            catch (SqliteException)
            {
                // the connection already rolled it back
            }
            finally
            {
                batch?.Dispose();
                batch = null;
            }
        }
    }

    private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);

    /// <summary>
    /// Under <see cref="sync"/>: the command for <paramref name="sql"/>, made once and kept with its prepared statement
    /// (the per-record queries are parsed and planned once per open index, not once per record), in the open batch.
    /// </summary>
    private SqliteCommand Command(string sql)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            commands[sql] = command = connection.CreateCommand();
            command.CommandText = sql;
        }

        command.Transaction = batch;
        command.Parameters.Clear();
        return command;
    }

    public bool Contains(Guid recordId)
    {
        lock (sync)
        {
            var command = Command("SELECT 1 FROM records WHERE record_id = $id");
            command.Parameters.AddWithValue("$id", recordId.ToString());
            return command.ExecuteScalar() is not null;
        }
    }

    /// <summary>Adds the record; false when it was already indexed (by this or another collector).</summary>
    public bool TryAdd(EvidenceRecord record, string relativePath, DateTimeOffset storedAt, string? recordHash = null)
    {
        lock (sync)
        {
            var command = Command("""
                INSERT OR IGNORE INTO records(record_id, device, site, sequence, work_order, step, path, sha256, created_at, stored_at, record_hash, prev_hash)
                VALUES($id, $device, $site, $seq, $wo, $step, $path, $sha, $created, $stored, $hash, $prev)
                """);
            command.Parameters.AddWithValue("$id", record.RecordId.ToString());
            command.Parameters.AddWithValue("$device", record.DeviceId);
            command.Parameters.AddWithValue("$site", record.SiteId);
            command.Parameters.AddWithValue("$seq", record.Sequence);
            command.Parameters.AddWithValue("$wo", record.WorkOrder.Id);
            command.Parameters.AddWithValue("$step", record.Step.Id);
            command.Parameters.AddWithValue("$path", relativePath);
            command.Parameters.AddWithValue("$sha", record.Image.Sha256);
            command.Parameters.AddWithValue("$created", record.CreatedAt.ToString("O"));
            command.Parameters.AddWithValue("$stored", storedAt.ToString("O"));
            command.Parameters.AddWithValue("$hash", (object?)recordHash ?? DBNull.Value);
            command.Parameters.AddWithValue("$prev", (object?)record.PrevHash ?? DBNull.Value);
            var added = command.ExecuteNonQuery() == 1;
            if (batch is null)
            {
                Commits++; // autocommit: one sync for this row alone
            }

            return added;
        }
    }

    /// <summary>Highest stored sequence of a device below <paramref name="sequence"/>, or 0.</summary>
    public long PreviousSequence(string deviceId, long sequence)
    {
        lock (sync)
        {
            var command = Command("SELECT COALESCE(MAX(sequence), 0) FROM records WHERE device = $device AND sequence < $seq");
            command.Parameters.AddWithValue("$device", deviceId);
            command.Parameters.AddWithValue("$seq", sequence);
            return (long)command.ExecuteScalar()!;
        }
    }

    /// <summary>Missing sequence ranges of a device, from 1 up to its highest stored sequence.</summary>
    public IReadOnlyList<SequenceGap> Gaps(string deviceId)
    {
        lock (sync)
        {
            var command = Command("""
                SELECT prev + 1, sequence - 1 FROM (
                  SELECT sequence, COALESCE(LAG(sequence) OVER (ORDER BY sequence), 0) AS prev FROM records WHERE device = $device)
                WHERE sequence > prev + 1 ORDER BY sequence
                """);
            command.Parameters.AddWithValue("$device", deviceId);
            using var reader = command.ExecuteReader();
            var gaps = new List<SequenceGap>();
            while (reader.Read())
            {
                gaps.Add(new SequenceGap(deviceId, reader.GetInt64(0), reader.GetInt64(1)));
            }

            return gaps;
        }
    }

    public IReadOnlyList<ChainLink> At(string deviceId, long sequence)
    {
        lock (sync)
        {
            var command = Command("SELECT record_id, path, record_hash, prev_hash FROM records WHERE device = $device AND sequence = $seq ORDER BY stored_at");
            command.Parameters.AddWithValue("$device", deviceId);
            command.Parameters.AddWithValue("$seq", sequence);
            using var reader = command.ExecuteReader();
            var links = new List<ChainLink>();
            while (reader.Read())
            {
                links.Add(new ChainLink(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }

            return links;
        }
    }

    /// <summary>The three sequences around <paramref name="sequence"/> in one query (the interface's default asks three times).</summary>
    public ChainNeighbours Neighbours(string deviceId, long sequence)
    {
        lock (sync)
        {
            var command = Command("SELECT record_id, path, record_hash, prev_hash, sequence FROM records WHERE device = $device AND sequence BETWEEN $from AND $to ORDER BY stored_at");
            command.Parameters.AddWithValue("$device", deviceId);
            command.Parameters.AddWithValue("$from", sequence - 1);
            command.Parameters.AddWithValue("$to", sequence + 1);
            using var reader = command.ExecuteReader();
            List<ChainLink> previous = [], here = [], next = [];
            while (reader.Read())
            {
                var link = new ChainLink(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
                var at = reader.GetInt64(4);
                (at < sequence ? previous : at == sequence ? here : next).Add(link);
            }

            return new ChainNeighbours(previous, here, next);
        }
    }

    public void FlagChainBreak(Guid recordId, string detail)
    {
        lock (sync)
        {
            var command = Command("UPDATE records SET chain_break = $detail WHERE record_id = $id");
            command.Parameters.AddWithValue("$detail", detail);
            command.Parameters.AddWithValue("$id", recordId.ToString());
            command.ExecuteNonQuery();
        }
    }

    public IReadOnlyList<ChainBreak> ChainBreaks(string deviceId)
    {
        lock (sync)
        {
            var command = Command("SELECT sequence, record_id, chain_break FROM records WHERE device = $device AND chain_break IS NOT NULL ORDER BY sequence");
            command.Parameters.AddWithValue("$device", deviceId);
            using var reader = command.ExecuteReader();
            var breaks = new List<ChainBreak>();
            while (reader.Read())
            {
                breaks.Add(new ChainBreak(deviceId, reader.GetInt64(0), Guid.Parse(reader.GetString(1)), reader.GetString(2)));
            }

            return breaks;
        }
    }

    /// <summary>Stored records per device.</summary>
    public IReadOnlyDictionary<string, long> CountByDevice()
    {
        lock (sync)
        {
            var command = Command("SELECT device, COUNT(*) FROM records GROUP BY device");
            using var reader = command.ExecuteReader();
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            while (reader.Read())
            {
                counts[reader.GetString(0)] = reader.GetInt64(1);
            }

            return counts;
        }
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        RollbackBatch();
        lock (sync)
        {
            foreach (var command in commands.Values)
            {
                command.Dispose();
            }

            commands.Clear();
        }

        connection.Dispose();
    }
}
