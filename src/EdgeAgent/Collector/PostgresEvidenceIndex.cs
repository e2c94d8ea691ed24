using Npgsql;

namespace EdgeAgent.Collector;

/// <summary>
/// The index for several collectors sharing one store: a PostgreSQL table whose primary key on the
/// record id makes "stored once" hold across processes and hosts (<c>INSERT … ON CONFLICT DO NOTHING</c>).
/// </summary>
public sealed class PostgresEvidenceIndex(string connectionString) : IEvidenceIndex
{
    // Any constant: serialises schema creation when several collectors start at once.
    private const long SchemaLock = 0x45_64_67_65_49_64_78;

    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock({SchemaLock});
            CREATE TABLE IF NOT EXISTS {IndexedRecordReader.Table} (
                record_id uuid PRIMARY KEY, device_id text NOT NULL, sequence bigint NOT NULL,
                site_id text NOT NULL, point_id text NOT NULL, work_order text NOT NULL, step_id text NOT NULL, camera_id text NOT NULL,
                created_at timestamptz NOT NULL, sha256 text NOT NULL, path text NOT NULL, stored_by text NOT NULL, stored_at timestamptz NOT NULL);
            CREATE INDEX IF NOT EXISTS evidence_index_device ON {IndexedRecordReader.Table} (device_id, sequence);
            CREATE INDEX IF NOT EXISTS evidence_index_job ON {IndexedRecordReader.Table} (site_id, work_order);
            """,
            connection,
            transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> TryAddAsync(IndexedRecord record, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO {IndexedRecordReader.Table} ({IndexedRecordReader.Columns}) VALUES ({IndexedRecordReader.Parameters}) ON CONFLICT (record_id) DO NOTHING");
        IndexedRecordReader.Bind(command, record, id => id, time => time.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> ContainsAsync(Guid recordId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {IndexedRecordReader.Table} WHERE record_id = @record_id)");
        IndexedRecordReader.Add(command, "record_id", recordId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT COUNT(*) FROM {IndexedRecordReader.Table}");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<IndexedRecord>> ListAsync(string deviceId, string? workOrderId = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(IndexedRecordReader.List.Replace("@work_order IS NULL", "@work_order::text IS NULL", StringComparison.Ordinal));
        IndexedRecordReader.Add(command, "device_id", deviceId);
        IndexedRecordReader.Add(command, "work_order", workOrderId);
        return await IndexedRecordReader.ReadAllAsync(command, cancellationToken);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
