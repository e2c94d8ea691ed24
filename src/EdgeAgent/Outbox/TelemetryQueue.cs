using EdgeAgent.Configuration;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Outbox;

/// <summary>
/// Store-and-forward for non-evidence (health, telemetry): a separate SQLite file with
/// <c>synchronous=NORMAL</c> (a power cut may lose the last telemetry, never evidence), a byte quota that
/// drops the oldest first, and a TTL. When the evidence outbox passes its quota, all telemetry is dropped
/// at once to leave the disk to evidence; on a full disk the file itself is dropped (<see cref="DropAll"/>), since
/// deleting rows frees no disk space and may itself fail. A write that fails for lack of space drops the message
/// (counted in <see cref="Dropped"/>), never an exception into the uplink. Sent after evidence, removed on PUBACK (no receipt).
/// </summary>
public sealed class TelemetryQueue : IDisposable
{
    private readonly string path;
    private readonly Lock sync = new();
    private SqliteConnection connection;
    private readonly OutboxOptions options;
    private readonly TimeProvider timeProvider;
    private readonly OutboxCondition? evidenceCondition;

    /// <summary>Opens (creating it if needed) the queue at <paramref name="path"/>.</summary>
    public static TelemetryQueue Open(string path, OutboxOptions options, TimeProvider timeProvider, OutboxCondition? evidenceCondition = null)
    {
        Platform.StateFiles.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return new TelemetryQueue(path, OpenConnection(path), options, timeProvider, evidenceCondition);
    }

    /// <summary>Only assigns and subscribes: the disk and database work is <see cref="Open"/>'s.</summary>
    private TelemetryQueue(string path, SqliteConnection connection, OutboxOptions options, TimeProvider timeProvider, OutboxCondition? evidenceCondition)
    {
        this.options = options;
        this.timeProvider = timeProvider;
        this.path = path;
        this.connection = connection;
        this.evidenceCondition = evidenceCondition;
        if (evidenceCondition is not null)
        {
            evidenceCondition.Changed += (_, state) =>
            {
                if (state != OutboxState.Ok)
                {
                    DropAll();
                }
            };
        }
    }

    private static SqliteConnection OpenConnection(string path)
    {
        Platform.StateFiles.CreateOwnerOnly(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS messages(id INTEGER PRIMARY KEY, subtopic TEXT NOT NULL, payload BLOB NOT NULL, created_ms INTEGER NOT NULL);
            """;
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Messages dropped by quota, TTL or for evidence's sake, since start.</summary>
    public long Dropped { get; private set; }

    /// <summary>Queues a message for <c>edgeagent/v1/{device}/telemetry/{subtopic}</c>; the oldest go past the quota.</summary>
    public void Enqueue(string subtopic, byte[] payload)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(subtopic, Configuration.Identifiers.Pattern))
        {
            throw new ArgumentException($"telemetry subtopic '{subtopic}' {Configuration.Identifiers.Message}", nameof(subtopic));
        }

        lock (sync)
        {
            if (evidenceCondition?.State == OutboxState.DiskFull)
            {
                Dropped++; // the disk's last bytes are for receipts and evidence, not for queued telemetry
                return;
            }

            try
            {
                Insert(subtopic, payload);
            }
            catch (SqliteException ex) when (OutboxDiskFullException.IsDiskFull(ex))
            {
                Dropped++; // non-evidence: dropped on a full disk, counted
            }
        }
    }

    private void Insert(string subtopic, byte[] payload)
    {
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO messages(subtopic, payload, created_ms) VALUES($t, $p, $at)";
            insert.Parameters.AddWithValue("$t", subtopic);
            insert.Parameters.AddWithValue("$p", payload);
            insert.Parameters.AddWithValue("$at", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            insert.ExecuteNonQuery();
        }

        Dropped += Execute("""
            DELETE FROM messages WHERE id IN (
              SELECT id FROM (SELECT id, SUM(length(payload)) OVER (ORDER BY id DESC) AS newer FROM messages) WHERE newer > $quota)
            """, ("$quota", options.TelemetryQuotaBytes));
    }

    /// <summary>The oldest unexpired messages (expired ones are dropped first).</summary>
    public IReadOnlyList<(long Id, string Subtopic, byte[] Payload)> Peek(int limit)
    {
        lock (sync)
        {
            var cutoff = timeProvider.GetUtcNow().AddSeconds(-options.TelemetryTtlSeconds).ToUnixTimeMilliseconds();
            try
            {
                Dropped += Execute("DELETE FROM messages WHERE created_ms < $cutoff", ("$cutoff", cutoff));
            }
            catch (SqliteException ex) when (OutboxDiskFullException.IsDiskFull(ex))
            {
                // expired ones go with the next peek that can write
            }

            using var command = connection.CreateCommand();
            command.CommandText = "SELECT id, subtopic, payload FROM messages ORDER BY id LIMIT $limit";
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var messages = new List<(long, string, byte[])>();
            while (reader.Read())
            {
                messages.Add((reader.GetInt64(0), reader.GetString(1), (byte[])reader[2]));
            }

            return messages;
        }
    }

    /// <summary>Raised after a sent message was removed (from the uplink's thread; keep handlers short).</summary>
    public event EventHandler<long>? Removed;

    public void Remove(long id)
    {
        lock (sync)
        {
            try
            {
                Execute("DELETE FROM messages WHERE id = $id", ("$id", id));
            }
            catch (SqliteException ex) when (OutboxDiskFullException.IsDiskFull(ex))
            {
                return; // sent once more later: telemetry needs no exactly-once
            }
        }

        Removed?.Invoke(this, id);
    }

    /// <summary>Count and bytes queued.</summary>
    public (long Count, long Bytes) Stats()
    {
        lock (sync)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*), COALESCE(SUM(length(payload)), 0) FROM messages";
            using var reader = command.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
    }

    /// <summary>
    /// Drops every queued message by dropping the file (which frees its disk space, unlike deleting rows, and
    /// needs none); returns the bytes freed. Never throws: a queue that cannot be reopened drops what comes.
    /// </summary>
    public long DropAll()
    {
        lock (sync)
        {
            long count = 0;
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM messages";
                count = (long)command.ExecuteScalar()!;
            }
            catch (SqliteException)
            {
            }

            connection.Dispose();
            long freed = 0;
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                var file = new FileInfo(path + suffix);
                if (file.Exists)
                {
                    freed += file.Length;
                    file.Delete();
                }
            }

            Dropped += count;
            try
            {
                connection = OpenConnection(path);
            }
            catch (SqliteException)
            {
                connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.Memory }.ToString());
                connection.Open(); // until the next start: in memory, nothing on the full disk
                using var command = connection.CreateCommand();
                command.CommandText = "CREATE TABLE messages(id INTEGER PRIMARY KEY, subtopic TEXT NOT NULL, payload BLOB NOT NULL, created_ms INTEGER NOT NULL)";
                command.ExecuteNonQuery();
            }

            return freed;
        }
    }

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }

    public void Dispose() => connection.Dispose();
}
