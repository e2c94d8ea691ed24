using Microsoft.Data.Sqlite;

namespace EdgeAgent.Outbox;

/// <summary>
/// Disk space: evidence is admitted only while it fits beyond the reserve (non-evidence is dropped first); a trigger
/// that cannot be stored gets the documented "outbox disk full" refusal; the state clears by itself as soon as
/// receipts or the operator make room, with no restart.
/// </summary>
public sealed partial class EvidenceOutbox : Platform.IEvidenceRoom
{
    /// <summary>Allowance for a record's JSON beside its image.</summary>
    private const int RecordAllowance = 8 * 1024;

    private long lastAppendBytes = 256 * 1024;

    /// <summary>The size the next record is judged by, before it exists: the last one, with a margin (photos vary).</summary>
    private long NextRecordEstimate => Volatile.Read(ref lastAppendBytes) * 5 / 4;

    async Task<Exception?> Platform.IEvidenceRoom.CheckRoomAsync(CancellationToken cancellationToken) => await CheckRoomAsync(cancellationToken);

    bool Platform.IEvidenceRoom.IsNoRoom(Exception exception) => exception is OutboxDiskFullException;

    /// <summary>
    /// Before a trigger is handled: whether a record like the last one fits (dropping non-evidence if need be).
    /// Returns the refusal to throw, or null when there is room.
    /// </summary>
    public async Task<OutboxDiskFullException?> CheckRoomAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return MakeRoom(NextRecordEstimate);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Re-reads the disk without refusing anything: clears the disk-full state and takes the reserve back once there
    /// is room again. Health calls it on every check, receipts after every removal.
    /// </summary>
    public async Task RefreshSpaceAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            GiveBackSpace();
            if (Space.Fits(NextRecordEstimate, FreePagesBytes()))
            {
                Condition.ReportSpaceBack();
                Space.HoldReserve();
            }
            else if (Condition.State != OutboxState.DiskFull)
            {
                // Health shows the disk as it is, not only as the last trigger found it.
                Condition.ReportNoRoom($"{Space.Available(FreePagesBytes())} bytes left beyond the reserve; a record needs about {OutboxSpace.Needed(NextRecordEstimate)}");
            }
        }
        catch (SqliteException)
        {
            // an unreadable outbox is health's to report (it reads the stats next)
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Under the gate: room for <paramref name="bytes"/>, or the refusal (disk full, reserve released).</summary>
    private OutboxDiskFullException? MakeRoom(long bytes)
    {
        if (!Space.Fits(bytes, FreePagesBytes()))
        {
            Space.ReclaimNonEvidence();
            GiveBackSpace(force: true); // everything that can be given back, before anything is refused
            if (!Space.Fits(bytes, FreePagesBytes()))
            {
                if (Space.FreeBytes() < OutboxSpace.Slack)
                {
                    Space.ReleaseReserve(); // filled by someone else: the trigger's own state files still need room
                }

                return Refuse($"{Space.Available(FreePagesBytes())} bytes left beyond the reserve; a record needs about {OutboxSpace.Needed(bytes)}", null);
            }
        }

        Condition.ReportSpaceBack();
        Space.HoldReserve();
        return null;
    }

    private OutboxDiskFullException Refuse(string detail, Exception? inner)
    {
        var refusal = new OutboxDiskFullException(directory, detail, inner);
        Condition.ReportDiskFull(refusal.Message);
        return refusal;
    }

    /// <summary>
    /// When the file system itself is short (freed pages stay inside the file), gives enough free pages back to hold
    /// the reserve again (<c>auto_vacuum=INCREMENTAL</c>, outboxes created since; the checkpoint shrinks the file). Best effort.
    /// </summary>
    private void GiveBackSpace(bool force = false)
    {
        var wanted = OutboxSpace.Slack + (Space.ReserveHeld ? 0 : Space.ReserveBytes);
        if (!force && Space.FreeBytes() >= wanted)
        {
            return;
        }

        // The WAL keeps its size (it is reused; journal_size_limit bounds it): space it gave back could be taken by
        // another writer, and then a receipt could not even be removed. Free pages go back and become the reserve.
        foreach (var sql in new[] { $"PRAGMA incremental_vacuum({(wanted + Space.ReserveBytes) / pageSize})", "PRAGMA wal_checkpoint(PASSIVE)" })
        {
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                }
            }
            catch (SqliteException)
            {
                // no room even for this: the reserve, once released, is what lets removals through
            }
        }
    }

    /// <summary>Pages inside the outbox freed by receipts: new records reuse them before the file grows.</summary>
    private long FreePagesBytes()
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA freelist_count";
        return (long)command.ExecuteScalar()! * pageSize;
    }

    /// <summary>
    /// Runs a removal; on a full disk gives up the reserve (this is what it is kept for), drops non-evidence, gives
    /// back what SQLite can, and tries once more.
    /// </summary>
    private T WithReserve<T>(Func<T> removal)
    {
        try
        {
            return removal();
        }
        catch (SqliteException ex) when (OutboxDiskFullException.IsDiskFull(ex))
        {
            Space.ReleaseReserve();
            Space.ReclaimNonEvidence();
            GiveBackSpace(force: true);
            return removal();
        }
    }
}
