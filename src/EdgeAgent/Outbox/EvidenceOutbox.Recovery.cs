using Microsoft.Data.Sqlite;

namespace EdgeAgent.Outbox;

/// <summary>
/// Start-up: the outbox is checked (<c>PRAGMA quick_check</c>) and compared with the chain head before anything is
/// appended. Three ways it can have lost state, each quarantined and reported as <c>state-lost</c> with the range
/// that may be missing: unreadable or corrupt (moved aside, a fresh outbox continues after the head), empty or
/// behind the head (moved aside, still-readable records kept and delivered, the sequence continues after the head).
/// </summary>
public sealed partial class EvidenceOutbox
{
    private SqliteConnection Recover(string path)
    {
        var found = Inspect(path);
        if (found.Problem is { } problem)
        {
            var quarantined = Quarantine(path);
            Condition.ReportQuarantined(quarantined, problem, head.Sequence + 1);
            if (head.Sequence > 0)
            {
                Condition.ReportStateLost(new StateLoss(1, head.Sequence, $"unreadable ({problem})", quarantined));
            }

            return ContinueAfterHead(OpenConnection(path));
        }

        if (found.LastSequence < head.Sequence)
        {
            var reason = found.Empty ? "empty" : $"behind its chain head (it ends at #{found.LastSequence}, the head is #{head.Sequence})";
            var quarantined = Quarantine(path, keepReadable: !found.Empty);
            Condition.ReportStateLost(new StateLoss(found.LastSequence + 1, head.Sequence, reason, quarantined));
            return ContinueAfterHead(OpenConnection(path));
        }

        SqliteConnection opened;
        try
        {
            opened = OpenConnection(path);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteNotADatabase or SqliteCorrupt)
        {
            var quarantined = Quarantine(path);
            Condition.ReportQuarantined(quarantined, ex.Message, head.Sequence + 1);
            return ContinueAfterHead(OpenConnection(path));
        }

        if (found.LastSequence > head.Sequence && found.LastHash is { } hash)
        {
            AdvanceHead(found.LastSequence, hash); // first start with a head file, or a crash between commit and head write
        }

        pageSize = ReadPageSize(opened);
        return opened;
    }

    /// <summary>Makes a fresh or recovered outbox continue the chain: next sequence after the head, linked to its hash.</summary>
    private SqliteConnection ContinueAfterHead(SqliteConnection opened)
    {
        pageSize = ReadPageSize(opened);
        if (head.Sequence == 0 || head.Hash is null)
        {
            return opened;
        }

        using var tx = opened.BeginTransaction();
        using var command = opened.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            UPDATE meta SET value = MAX(value, $next) WHERE key = 'next_sequence';
            INSERT INTO chain(id, last_hash) VALUES(1, $hash) ON CONFLICT(id) DO UPDATE SET last_hash = excluded.last_hash;
            """;
        command.Parameters.AddWithValue("$next", head.Sequence + 1);
        command.Parameters.AddWithValue("$hash", head.Hash);
        command.ExecuteNonQuery();
        tx.Commit();
        return opened;
    }

    /// <summary>Reads what the file holds without changing it: integrity, the last sequence used and its hash.</summary>
    private static Inspection Inspect(string path)
    {
        if (!File.Exists(path) || (new FileInfo(path).Length == 0 && !File.Exists(path + "-wal")))
        {
            return new Inspection(null, 0, null, Empty: true);
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check(3)";
            var verdicts = new List<string>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    verdicts.Add(reader.GetString(0));
                }
            }

            if (verdicts is not ["ok"])
            {
                return new Inspection($"quick_check: {string.Join("; ", verdicts)}", 0, null, Empty: false);
            }

            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'chain')";
            if ((long)command.ExecuteScalar()! < 2)
            {
                return new Inspection(null, 0, null, Empty: true);
            }

            command.CommandText = "SELECT value FROM meta WHERE key = 'next_sequence'";
            var last = (command.ExecuteScalar() as long? ?? 1) - 1;
            command.CommandText = "SELECT last_hash FROM chain WHERE id = 1";
            return new Inspection(null, last, command.ExecuteScalar() as string, Empty: last == 0);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteNotADatabase or SqliteCorrupt)
        {
            return new Inspection(ex.Message, 0, null, Empty: false);
        }
    }

    /// <summary>Writes the chain head beside the key. A failure is reported, never fails a record that is already durable.</summary>
    private void AdvanceHead(long sequence, string hash)
    {
        try
        {
            head.Advance(sequence, hash);
        }
        catch (IOException ex)
        {
            Condition.ReportHeadUnwritable(ex.Message);
        }
    }

    private static long ReadPageSize(SqliteConnection opened)
    {
        using var command = opened.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        return (long)command.ExecuteScalar()!;
    }

    private sealed record Inspection(string? Problem, long LastSequence, string? LastHash, bool Empty);
}
