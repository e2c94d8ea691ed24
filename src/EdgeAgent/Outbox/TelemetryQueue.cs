using Microsoft.Data.Sqlite;

namespace EdgeAgent.Outbox;

/// <summary>
/// Store-and-forward for non-evidence (health, telemetry): a separate SQLite file with
/// <c>synchronous=NORMAL</c> (a power cut may lose the last telemetry, never evidence), a byte quota that
/// drops the oldest first, and a TTL. When the evidence outbox passes its quota, all telemetry is dropped
/// at once to leave the disk to evidence. Sent after evidence, removed on PUBACK (no receipt).
/// </summary>
public sealed class TelemetryQueue : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly Lock sync = new();
    private readonly OutboxOptions options;
    private readonly TimeProvider timeProvider;

    public TelemetryQueue(string path, OutboxOptions options, TimeProvider timeProvider, OutboxCondition? evidenceCondition = null)
    {
        this.options = options;
        this.timeProvider = timeProvider;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS messages(id INTEGER PRIMARY KEY, subtopic TEXT NOT NULL, payload BLOB NOT NULL, created_ms INTEGER NOT NULL);
            """);
        if (evidenceCondition is not null)
        {
            evidenceCondition.Changed += (_, state) =>
            {
                if (state != OutboxState.Ok)
                {
                    Clear();
                }
            };
        }
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
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO messages(subtopic, payload, created_ms) VALUES($t, $p, $at)";
            insert.Parameters.AddWithValue("$t", subtopic);
            insert.Parameters.AddWithValue("$p", payload);
            insert.Parameters.AddWithValue("$at", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            insert.ExecuteNonQuery();
            Dropped += Execute("""
                DELETE FROM messages WHERE id IN (
                  SELECT id FROM (SELECT id, SUM(length(payload)) OVER (ORDER BY id DESC) AS newer FROM messages) WHERE newer > $quota)
                """, ("$quota", options.TelemetryQuotaBytes));
        }
    }

    /// <summary>The oldest unexpired messages (expired ones are dropped first).</summary>
    public IReadOnlyList<(long Id, string Subtopic, byte[] Payload)> Peek(int limit)
    {
        lock (sync)
        {
            var cutoff = timeProvider.GetUtcNow().AddSeconds(-options.TelemetryTtlSeconds).ToUnixTimeMilliseconds();
            Dropped += Execute("DELETE FROM messages WHERE created_ms < $cutoff", ("$cutoff", cutoff));
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

    public void Remove(long id)
    {
        lock (sync)
        {
            Execute("DELETE FROM messages WHERE id = $id", ("$id", id));
        }
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

    private void Clear()
    {
        lock (sync)
        {
            Dropped += Execute("DELETE FROM messages");
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
