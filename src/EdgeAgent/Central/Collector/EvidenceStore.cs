using System.Runtime.InteropServices;
using EdgeAgent.Platform;
using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// The directory evidence store: <c>{root}/{site}/{device}/{work order}/{sequence}-{step}-{camera}.jpg|.json</c>
/// as laid out by <see cref="EvidenceLayout"/>, every segment encoded reversibly by <see cref="SafePath"/> (<c>site7.conv-3</c> is <c>site7%2Econv-3</c>). Writes are atomic and durable (temp files,
/// fsync each, rename both, one directory fsync) and idempotent: writing the same record again rewrites identical files. Duplicates are dropped earlier, by the
/// <see cref="CollectorIndex"/>.
/// Under group commit (<see cref="BeginBatch"/>), a batch's files are written to temp files unsynced, and
/// <see cref="CommitBatch"/> makes them durable together: one <c>syncfs</c> of the file system for the data, the renames,
/// then one fsync per directory touched.
/// </summary>
public sealed partial class EvidenceStore(string root) : IEvidenceStore, IGroupCommitStore
{
    private readonly Dictionary<string, PendingFile> pending = new(StringComparer.Ordinal);
    private readonly List<PendingFile> pendingOrder = [];
    private readonly HashSet<string> directories = new(StringComparer.Ordinal);
    private bool batching;
    private long syncs;

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>fsync/syncfs calls made since open (per record: three; per batch under group commit: one plus one per directory).</summary>
    public long Syncs => Interlocked.Read(ref syncs);

    /// <summary>Test seam: raised as a batch's sync begins (before any of its files is durable), with its file count.</summary>
    internal event EventHandler<int>? Syncing;

    /// <summary>From now until <see cref="CommitBatch"/> or <see cref="AbortBatch"/>, <see cref="Store"/> writes unsynced temp files only.</summary>
    public void BeginBatch() => batching = true;

    /// <summary>
    /// Makes every pair stored since <see cref="BeginBatch"/> durable: the temp files' data (one <c>syncfs</c>, or an
    /// fsync per file where <c>syncfs</c> is not available), then the renames (image before record), then one fsync per directory.
    /// </summary>
    public void CommitBatch()
    {
        batching = false;
        if (pendingOrder.Count == 0)
        {
            return;
        }

        try
        {
            Syncing?.Invoke(this, pendingOrder.Count);
            if (SyncFileSystem(Root))
            {
                Interlocked.Increment(ref syncs);
            }
            else
            {
                foreach (var file in pendingOrder)
                {
                    SyncFile(file.TempPath);
                    Interlocked.Increment(ref syncs);
                }
            }

            foreach (var file in pendingOrder)
            {
                File.Move(file.TempPath, file.FinalPath, overwrite: true);
            }

            foreach (var directory in pendingOrder.Select(f => Path.GetDirectoryName(f.FinalPath)!).Distinct(StringComparer.Ordinal))
            {
                DurableFile.SyncDirectory(directory);
                Interlocked.Increment(ref syncs);
            }
        }
        finally
        {
            pending.Clear();
            pendingOrder.Clear();
        }
    }

    /// <summary>Forgets the batch: its temp files are deleted, nothing was renamed; the batch's messages are redelivered and stored again.</summary>
    public void AbortBatch()
    {
        batching = false;
        directories.Clear(); // a write may have failed because a directory went away: look again
        foreach (var file in pendingOrder)
        {
            try
            {
                File.Delete(file.TempPath);
            }
            catch (IOException)
            {
                // a stray temp file is ignored by List and never read
            }
        }

        pending.Clear();
        pendingOrder.Clear();
    }

    public string Location => Root;

    public bool SupportsRetention => false;

    /// <summary>Stores the pair durably; returns the record's JSON path relative to <see cref="Root"/>.</summary>
    public string Store(EvidenceRecord record, byte[] recordJson, byte[] image)
    {
        var directory = SafePath.Under(Root, EvidenceLayout.Folder(record));
        var jsonPath = Path.Combine(directory, EvidenceLayout.RecordName(record));
        if ((pending.TryGetValue(jsonPath, out var claimed) ? claimed.RecordId != record.RecordId : File.Exists(jsonPath) && !SameRecord(jsonPath, record.RecordId)))
        {
            // Another record claims this sequence (a device whose outbox was reset): keep both.
            jsonPath = Path.Combine(directory, EvidenceLayout.RecordName(record, disambiguated: true));
        }

        CreateDirectory(directory);
        var imagePath = EvidenceLayout.ImageKeyOf(jsonPath);

        // Temp names of this write alone: collectors sharing the store may write the same record at once (a resend
        // delivered to the other one), and must never truncate or rename each other's half-written files.
        var unique = "." + Guid.NewGuid().ToString("N") + ".tmp";
        if (batching)
        {
            Defer(new PendingFile(record.RecordId, imagePath + unique, imagePath, image));
            Defer(new PendingFile(record.RecordId, jsonPath + unique, jsonPath, recordJson)); // after its image: renamed last
            return Path.GetRelativePath(Root, jsonPath);
        }

        directories.Remove(directory); // not batched: every record looks again (a failure has nothing to clear the cache)
        WriteSynced(imagePath + unique, image);
        WriteSynced(jsonPath + unique, recordJson);
        File.Move(imagePath + unique, imagePath, overwrite: true);
        File.Move(jsonPath + unique, jsonPath, overwrite: true); // the record last: its presence means the pair is complete
        DurableFile.SyncDirectory(directory); // one directory sync makes both renames durable
        Interlocked.Add(ref syncs, 3);
        return Path.GetRelativePath(Root, jsonPath);
    }

    private static void WriteSynced(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Creates the record's directory once per open store: the directories it made or found are remembered (until a batch aborts).</summary>
    private void CreateDirectory(string directory)
    {
        if (directories.Contains(directory))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        if (directories.Count >= 10_000)
        {
            directories.Clear();
        }

        directories.Add(directory);
    }

    private void Defer(PendingFile file)
    {
        WriteNew(file.TempPath, file.Bytes);

        if (pending.Remove(file.FinalPath, out var earlier))
        {
            pendingOrder.Remove(earlier); // the same record twice in one batch: the later write wins, as it would on disk
            File.Delete(earlier.TempPath);
        }

        pending[file.FinalPath] = file;
        pendingOrder.Add(file);
    }

    /// <summary>
    /// Writes a new file (a temp name of this write alone), unsynced: one open, one positioned write and one close,
    /// without the advisory lock, truncate and seek a <see cref="FileStream"/> adds (a temp name nobody else opens needs
    /// none; a handle opened for writing with sharing allowed takes no lock).
    /// </summary>
    private static void WriteNew(string path, byte[] bytes)
    {
        using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(handle, bytes, 0);
    }

    private static void SyncFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>One <c>syncfs(2)</c> of the file system holding <paramref name="path"/>; false where it is not available (then each file is fsynced).</summary>
    private static bool SyncFileSystem(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        const int ORdOnly = 0, ODirectory = 0x10000, OCloexec = 0x80000;
        var fd = Open(path, ORdOnly | ODirectory | OCloexec);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            return Syncfs(fd) == 0;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int Syncfs(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    private sealed record PendingFile(Guid RecordId, string TempPath, string FinalPath, byte[] Bytes);

    public IEnumerable<StoredPair> List() =>
        Enumerate().Select(p => new StoredPair(Path.GetRelativePath(Root, p.JsonPath), Path.GetRelativePath(Root, p.ImagePath)));

    public byte[]? Read(string key)
    {
        var path = Path.GetFullPath(Path.Combine(Root, key));
        if (pending.TryGetValue(path, out var unsynced))
        {
            return unsynced.Bytes; // stored in the open batch (the chain-link check reads its predecessor)
        }

        if (!path.StartsWith(Root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"key '{key}' is outside the store", nameof(key));
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task CheckAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Root);
        return Task.CompletedTask;
    }

    /// <summary>A directory has no write-once retention.</summary>
    public StoredRetention? Retention(string key) => null;

    public void Dispose()
    {
    }

    /// <summary>Every stored record with its image path.</summary>
    public IEnumerable<(string JsonPath, string ImagePath)> Enumerate() =>
        Directory.Exists(Root)
            ? Directory.EnumerateFiles(Root, "*.json", SearchOption.AllDirectories)
                .Where(p => !p.EndsWith(".tmp", StringComparison.Ordinal) && Path.GetFileName(Path.GetDirectoryName(p)) is not "reports")
                .Where(p => !Path.GetRelativePath(Root, p).StartsWith('.')) // .staging, .dead-letter: an encoded segment never starts with '.'
                .Select(p => (p, EvidenceLayout.ImageKeyOf(p)))
            : [];

    private static bool SameRecord(string jsonPath, Guid recordId)
    {
        try
        {
            return EvidenceRecord.FromJson(File.ReadAllBytes(jsonPath)).RecordId == recordId;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
