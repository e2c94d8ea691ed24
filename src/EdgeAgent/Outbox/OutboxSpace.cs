using EdgeAgent.Configuration;
using EdgeAgent.Platform;

namespace EdgeAgent.Outbox;

/// <summary>
/// Keeps a full state disk a state the agent leaves by itself. A reserve file of <see cref="OutboxOptions.ReserveBytes"/>
/// is held while there is room and given up when the disk fills, so that receipts can still delete records and
/// health and state files can still be written. Evidence is admitted only while the disk (free space plus the
/// outbox's own free pages) has room for it beyond the reserve; before refusing, non-evidence (telemetry, overlay
/// copies) is dropped through the registered reclaimers.
/// </summary>
public sealed class OutboxSpace
{
    public const string ReserveFileName = "outbox.reserve";

    /// <summary>Room kept beyond a record's estimate: SQLite's pages, the WAL header, the chain head.</summary>
    public const long Slack = 64 * 1024;

    private readonly string directory;
    private readonly string reservePath;
    private readonly long reserveBytes;
    private readonly List<(string Name, Func<long> Reclaim)> reclaimers = [];
    private readonly Lock sync = new();

    public OutboxSpace(string directory, long reserveBytes)
    {
        this.directory = directory;
        this.reserveBytes = reserveBytes;
        reservePath = Path.Combine(directory, ReserveFileName);
    }

    public long ReserveBytes => reserveBytes;

    /// <summary>True while the reserve file is on disk.</summary>
    public bool ReserveHeld => File.Exists(reservePath);

    /// <summary>Registers non-evidence that may be dropped, oldest first, to make room for evidence. Returns bytes freed.</summary>
    public void AddReclaimer(string name, Func<long> reclaim)
    {
        lock (sync)
        {
            reclaimers.Add((name, reclaim));
        }
    }

    /// <summary>Bytes evidence may use: free space plus the outbox's free pages, less the reserve when it is not held.</summary>
    public long Available(long freePagesBytes) =>
        FreeBytes() + freePagesBytes - (ReserveHeld ? 0 : reserveBytes);

    /// <summary>
    /// Whether <paramref name="bytes"/> of evidence fit (<see cref="Needed"/>), and
    /// the file system itself still has the slack free for the small state files a trigger writes (point state).
    /// </summary>
    public bool Fits(long bytes, long freePagesBytes) => Available(freePagesBytes) >= Needed(bytes) && FreeBytes() >= Slack;

    /// <summary>A record needs room twice (WAL, then the database) and once more for what is derived from it (its overlay copy).</summary>
    public static long Needed(long bytes) => (3 * bytes) + Slack;

    /// <summary>Drops every registered kind of non-evidence; returns the bytes freed.</summary>
    public long ReclaimNonEvidence()
    {
        List<(string Name, Func<long> Reclaim)> all;
        lock (sync)
        {
            all = [.. reclaimers];
        }

        long freed = 0;
        foreach (var (_, reclaim) in all)
        {
            try
            {
                freed += reclaim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                // non-evidence that cannot be dropped is simply not counted
            }
        }

        return freed;
    }

    /// <summary>Takes the reserve back once the disk has room for it and a record besides.</summary>
    public void HoldReserve()
    {
        if (ReserveHeld || reserveBytes <= 0 || FreeBytes() < reserveBytes + Needed(reserveBytes))
        {
            return;
        }

        try
        {
            using (var file = new FileStream(reservePath, StateFiles.NewFile(FileMode.CreateNew)))
            {
                var block = new byte[64 * 1024];
                for (long written = 0; written < reserveBytes; written += block.Length)
                {
                    file.Write(block, 0, (int)Math.Min(block.Length, reserveBytes - written)); // real blocks, not a sparse hole
                }

                file.Flush(flushToDisk: true);
            }

            DurableFile.SyncDirectory(directory);
        }
        catch (IOException)
        {
            File.Delete(reservePath); // the disk filled meanwhile: no half reserve
        }
    }

    /// <summary>Gives the reserve up: the disk is full and receipts, health and state must still be written.</summary>
    public bool ReleaseReserve()
    {
        if (!ReserveHeld)
        {
            return false;
        }

        File.Delete(reservePath);
        return true;
    }

    public long FreeBytes()
    {
        try
        {
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
