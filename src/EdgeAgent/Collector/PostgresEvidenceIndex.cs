using EdgeAgent.Evidence;
using Npgsql;

namespace EdgeAgent.Collector;

/// <summary>
/// The index for several collectors sharing one store: the same table as <see cref="CollectorIndex"/> in
/// PostgreSQL, whose primary key on the record id makes "stored once" hold across processes and hosts
/// (<c>INSERT … ON CONFLICT DO NOTHING</c>). Each row also says which collector stored it.
/// </summary>
public sealed class PostgresEvidenceIndex(string connectionString, string storedBy) : IEvidenceIndex
{
    // Any constant: serialises schema creation when several collectors start at once.
    private const long SchemaLock = 0x45_64_67_65_49_64_78;

    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);

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
            """,
            connection,
            transaction);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    public bool Contains(Guid recordId)
    {
        using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM records WHERE record_id = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = recordId });
        return (bool)command.ExecuteScalar()!;
    }

    public bool TryAdd(EvidenceRecord record, string relativePath, DateTimeOffset storedAt)
    {
        using var command = dataSource.CreateCommand(
            """
            INSERT INTO records(record_id, device, site, sequence, work_order, step, path, sha256, created_at, stored_at, stored_by)
            VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (record_id) DO NOTHING
            """);
        foreach (var value in new object[]
                 {
                     record.RecordId, record.DeviceId, record.SiteId, record.Sequence, record.WorkOrder.Id, record.Step.Id,
                     relativePath, record.Image.Sha256, record.CreatedAt.ToUniversalTime(), storedAt.ToUniversalTime(), storedBy,
                 })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command.ExecuteNonQuery() == 1;
    }

    public long PreviousSequence(string deviceId, long sequence)
    {
        using var command = dataSource.CreateCommand("SELECT COALESCE(MAX(sequence), 0) FROM records WHERE device = $1 AND sequence < $2");
        command.Parameters.Add(new NpgsqlParameter { Value = deviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = sequence });
        return (long)command.ExecuteScalar()!;
    }

    public IReadOnlyList<SequenceGap> Gaps(string deviceId)
    {
        using var command = dataSource.CreateCommand(
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

    public IReadOnlyDictionary<string, long> CountByDevice()
    {
        using var command = dataSource.CreateCommand("SELECT device, COUNT(*) FROM records GROUP BY device");
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    public void Dispose() => dataSource.Dispose();
}
