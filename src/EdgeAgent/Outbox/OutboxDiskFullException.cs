using Microsoft.Data.Sqlite;

namespace EdgeAgent.Outbox;

/// <summary>
/// The outbox could not store a record because its disk is full (ENOSPC / SQLITE_FULL). Nothing was
/// half-written: the transaction rolled back and the database stays consistent; appends succeed again
/// once space is freed.
/// </summary>
public sealed class OutboxDiskFullException : IOException
{
    private const int SqliteFull = 13;
    private const int SqliteIoErr = 10;
    private const int Enospc = 28;

    public OutboxDiskFullException(string directory, Exception inner)
        : base($"outbox disk full: the record was NOT stored; free space in '{directory}' (the trigger must be repeated or the agent will retry)", inner)
    {
        Directory = directory;
    }

    /// <param name="detail">What was found (SQLite's error, or the space left), appended to the documented message.</param>
    public OutboxDiskFullException(string directory, string detail, Exception? inner)
        : base($"outbox disk full: the record was NOT stored; free space in '{directory}' (the trigger must be repeated or the agent will retry): {detail}", inner)
    {
        Directory = directory;
    }

    public OutboxDiskFullException()
    {
        Directory = "";
    }

    public OutboxDiskFullException(string message)
        : base(message)
    {
        Directory = "";
    }

    public string Directory { get; }

    /// <summary>SQLITE_FULL, or an I/O error whose extended code or message says ENOSPC.</summary>
    public static bool IsDiskFull(SqliteException ex) =>
        ex.SqliteErrorCode == SqliteFull ||
        (ex.SqliteErrorCode == SqliteIoErr && (ex.Message.Contains("full", StringComparison.OrdinalIgnoreCase) || ex.SqliteExtendedErrorCode == Enospc));
}
