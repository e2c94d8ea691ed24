using System.Globalization;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Collector;

/// <summary>
/// The embedded index: one SQLite file beside the store (WAL, synchronous=FULL, so an index row that a
/// receipt relied on survives a power cut). For one collector, or several on one host sharing the file.
/// </summary>
public sealed class SqliteEvidenceIndex(string path) : IEvidenceIndex
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private SqliteConnection? connection;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(
            $"""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            PRAGMA busy_timeout=10000;
            CREATE TABLE IF NOT EXISTS {IndexedRecordReader.Table} (
                record_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, sequence INTEGER NOT NULL,
                site_id TEXT NOT NULL, point_id TEXT NOT NULL, work_order TEXT NOT NULL, step_id TEXT NOT NULL, camera_id TEXT NOT NULL,
                created_at TEXT NOT NULL, sha256 TEXT NOT NULL, path TEXT NOT NULL, stored_by TEXT NOT NULL, stored_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS evidence_index_device ON {IndexedRecordReader.Table} (device_id, sequence);
            CREATE INDEX IF NOT EXISTS evidence_index_job ON {IndexedRecordReader.Table} (site_id, work_order);
            """,
            cancellationToken);
    }

    public async Task<bool> TryAddAsync(IndexedRecord record, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = Open().CreateCommand();
            command.CommandText = $"INSERT INTO {IndexedRecordReader.Table} ({IndexedRecordReader.Columns}) VALUES ({IndexedRecordReader.Parameters}) ON CONFLICT (record_id) DO NOTHING";
            IndexedRecordReader.Bind(command, record, id => id.ToString("D"), time => time.ToString("O", CultureInfo.InvariantCulture));
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<bool> ContainsAsync(Guid recordId, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = Open().CreateCommand();
            command.CommandText = $"SELECT EXISTS (SELECT 1 FROM {IndexedRecordReader.Table} WHERE record_id = @record_id)";
            IndexedRecordReader.Add(command, "record_id", recordId.ToString("D"));
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = Open().CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {IndexedRecordReader.Table}";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<IReadOnlyList<IndexedRecord>> ListAsync(string deviceId, string? workOrderId = null, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = Open().CreateCommand();
            command.CommandText = IndexedRecordReader.List;
            IndexedRecordReader.Add(command, "device_id", deviceId);
            IndexedRecordReader.Add(command, "work_order", workOrderId);
            return await IndexedRecordReader.ReadAllAsync(command, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private SqliteConnection Open() => connection ?? throw new InvalidOperationException("call InitializeAsync first");

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Open().CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }

        gate.Dispose();
    }
}
