using EdgeAgent.Protocol;
using Npgsql;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// The index for several collectors sharing one store: the same table as <see cref="CollectorIndex"/> in
/// PostgreSQL, whose primary key on the record id makes "stored once" hold across processes and hosts
/// (<c>INSERT … ON CONFLICT DO NOTHING</c>). Each row also says which collector stored it.
/// Group commit (<see cref="BeginBatch"/>): a batch's reads and writes run on one connection in one transaction,
/// committed once. Another collector inserting the same record id meanwhile waits for that transaction, then finds the
/// row (and answers <c>duplicate</c>); two batches waiting on each other are broken by PostgreSQL's deadlock check, and
/// the loser's batch is redelivered like any transient failure.
/// </summary>
public sealed class PostgresEvidenceIndex(string connectionString, string storedBy) : IEvidenceIndex, IGroupCommitIndex
{
    // Any constant: serialises schema creation when several collectors start at once.
    private const long SchemaLock = 0x45_64_67_65_49_64_78;

    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
    private NpgsqlConnection? batchConnection;
    private NpgsqlTransaction? batch;

    /// <summary>Transactions committed by <see cref="CommitBatch"/> since open; for tests and metrics.</summary>
    public long Commits { get; private set; }

    public void BeginBatch()
    {
        if (batch is not null)
        {
            return;
        }

        batchConnection = dataSource.OpenConnection();
        batch = batchConnection.BeginTransaction();
    }

    public void CommitBatch()
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
            EndBatch();
        }
    }

    public void RollbackBatch()
    {
        try
        {
            batch?.Rollback();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // the connection is gone: the server rolled it back
        }
        finally
        {
            EndBatch();
        }
    }

    private void EndBatch()
    {
        batch?.Dispose();
        batchConnection?.Dispose();
        batch = null;
        batchConnection = null;
    }

    /// <summary>A command on the open batch's transaction, or on a pooled connection of its own outside a batch.</summary>
    private NpgsqlCommand Command(string sql) => batch is null ? dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, batchConnection, batch);

    /// <summary>Creates the table if it is not there yet; safe when several collectors start at once.</summary>
    public void Initialize()
    {
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using var command = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock({SchemaLock});
            CREATE TABLE IF NOT EXISTS records(
              record_id uuid PRIMARY KEY, device text NOT NULL, site text NOT NULL, sequence bigint NOT NULL,
              work_order text NOT NULL, step text NOT NULL, path text NOT NULL, sha256 text NOT NULL,
              created_at timestamptz NOT NULL, stored_at timestamptz NOT NULL, stored_by text NOT NULL);
            CREATE INDEX IF NOT EXISTS records_device_sequence ON records(device, sequence);
            ALTER TABLE records ADD COLUMN IF NOT EXISTS record_hash text, ADD COLUMN IF NOT EXISTS prev_hash text, ADD COLUMN IF NOT EXISTS chain_break text;
            """,
            connection,
            transaction);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    public bool Contains(Guid recordId)
    {
        using var command = Command("SELECT EXISTS (SELECT 1 FROM records WHERE record_id = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = recordId });
        return (bool)command.ExecuteScalar()!;
    }

    public bool TryAdd(EvidenceRecord record, string relativePath, DateTimeOffset storedAt, string? recordHash = null)
    {
        using var command = Command(
            """
            INSERT INTO records(record_id, device, site, sequence, work_order, step, path, sha256, created_at, stored_at, stored_by, record_hash, prev_hash)
            VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (record_id) DO NOTHING
            """);
        foreach (var value in new object[]
                 {
                     record.RecordId, record.DeviceId, record.SiteId, record.Sequence, record.WorkOrder.Id, record.Step.Id,
                     relativePath, record.Image.Sha256, record.CreatedAt.ToUniversalTime(), storedAt.ToUniversalTime(), storedBy,
                     (object?)recordHash ?? DBNull.Value, (object?)record.PrevHash ?? DBNull.Value,
                 })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command.ExecuteNonQuery() == 1;
    }

    public long PreviousSequence(string deviceId, long sequence)
    {
        using var command = Command("SELECT COALESCE(MAX(sequence), 0) FROM records WHERE device = $1 AND sequence < $2");
        command.Parameters.Add(new NpgsqlParameter { Value = deviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = sequence });
        return (long)command.ExecuteScalar()!;
    }

    public IReadOnlyList<SequenceGap> Gaps(string deviceId)
    {
        using var command = Command(
            """
            SELECT prev + 1, sequence - 1 FROM (
              SELECT sequence, COALESCE(LAG(sequence) OVER (ORDER BY sequence), 0) AS prev FROM records WHERE device = $1) AS s
            WHERE sequence > prev + 1 ORDER BY sequence
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = deviceId });
        using var reader = command.ExecuteReader();
        var gaps = new List<SequenceGap>();
        while (reader.Read())
        {
            gaps.Add(new SequenceGap(deviceId, reader.GetInt64(0), reader.GetInt64(1)));
        }

        return gaps;
    }

    public IReadOnlyList<ChainLink> At(string deviceId, long sequence)
    {
        using var command = Command("SELECT record_id, path, record_hash, prev_hash FROM records WHERE device = $1 AND sequence = $2 ORDER BY stored_at");
        command.Parameters.Add(new NpgsqlParameter { Value = deviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = sequence });
        using var reader = command.ExecuteReader();
        var links = new List<ChainLink>();
        while (reader.Read())
        {
            links.Add(new ChainLink(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return links;
    }

    /// <summary>The three sequences in one round trip (the default asks three times).</summary>
    public ChainNeighbours Neighbours(string deviceId, long sequence)
    {
        using var command = Command("SELECT sequence, record_id, path, record_hash, prev_hash FROM records WHERE device = $1 AND sequence BETWEEN $2 - 1 AND $2 + 1 ORDER BY stored_at");
        command.Parameters.Add(new NpgsqlParameter { Value = deviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = sequence });
        using var reader = command.ExecuteReader();
        List<ChainLink> previous = [], here = [], next = [];
        while (reader.Read())
        {
            var link = new ChainLink(reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
            (reader.GetInt64(0) < sequence ? previous : reader.GetInt64(0) == sequence ? here : next).Add(link);
        }

        return new ChainNeighbours(previous, here, next);
    }

    public void FlagChainBreak(Guid recordId, string detail)
    {
        using var command = Command("UPDATE records SET chain_break = $1 WHERE record_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = detail });
        command.Parameters.Add(new NpgsqlParameter { Value = recordId });
        command.ExecuteNonQuery();
    }

    public IReadOnlyList<ChainBreak> ChainBreaks(string deviceId)
    {
        using var command = Command("SELECT sequence, record_id, chain_break FROM records WHERE device = $1 AND chain_break IS NOT NULL ORDER BY sequence");
        command.Parameters.Add(new NpgsqlParameter { Value = deviceId });
        using var reader = command.ExecuteReader();
        var breaks = new List<ChainBreak>();
        while (reader.Read())
        {
            breaks.Add(new ChainBreak(deviceId, reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2)));
        }

        return breaks;
    }

    public IReadOnlyDictionary<string, long> CountByDevice()
    {
        using var command = Command("SELECT device, COUNT(*) FROM records GROUP BY device");
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    public void Dispose()
    {
        RollbackBatch();
        dataSource.Dispose();
    }
}
