using System.Data.Common;

namespace EdgeAgent.Collector;

/// <summary>Column list and row reader shared by the SQLite and PostgreSQL indexes (same table, same columns).</summary>
internal static class IndexedRecordReader
{
    public const string Table = "evidence_index";

    public const string Columns = "record_id, device_id, sequence, site_id, point_id, work_order, step_id, camera_id, created_at, sha256, path, stored_by, stored_at";

    public const string Parameters = "@record_id, @device_id, @sequence, @site_id, @point_id, @work_order, @step_id, @camera_id, @created_at, @sha256, @path, @stored_by, @stored_at";

    public const string List = $"SELECT {Columns} FROM {Table} WHERE device_id = @device_id AND (@work_order IS NULL OR work_order = @work_order) ORDER BY sequence, record_id";

    public static void Bind(DbCommand command, IndexedRecord record, Func<Guid, object> guid, Func<DateTimeOffset, object> time)
    {
        Add(command, "record_id", guid(record.RecordId));
        Add(command, "device_id", record.DeviceId);
        Add(command, "sequence", record.Sequence);
        Add(command, "site_id", record.SiteId);
        Add(command, "point_id", record.PointId);
        Add(command, "work_order", record.WorkOrderId);
        Add(command, "step_id", record.StepId);
        Add(command, "camera_id", record.CameraId);
        Add(command, "created_at", time(record.CreatedAt));
        Add(command, "sha256", record.Sha256);
        Add(command, "path", record.Path);
        Add(command, "stored_by", record.StoredBy);
        Add(command, "stored_at", time(record.StoredAt));
    }

    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    public static async Task<IReadOnlyList<IndexedRecord>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<IndexedRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new IndexedRecord(
                reader.GetFieldValue<Guid>(0),
                reader.GetString(1),
                reader.GetInt64(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetString(9),
                reader.GetString(10),
                reader.GetString(11),
                reader.GetFieldValue<DateTimeOffset>(12)));
        }

        return rows;
    }
}
