using EdgeAgent.Evidence;
using EdgeAgent.Platform;

namespace EdgeAgent.Collector;

/// <summary>
/// The directory evidence store: <c>{root}/{site}/{device}/{work order}/{sequence}-{step}-{camera}.jpg|.json</c>
/// as laid out by <see cref="EvidenceLayout"/>, every segment encoded reversibly by <see cref="SafePath"/> (<c>site7.conv-3</c> is <c>site7%2Econv-3</c>). Writes are atomic and durable (temp files,
/// fsync each, rename both, one directory fsync) and idempotent: writing the same record again rewrites identical files. Duplicates are dropped earlier, by the
/// <see cref="CollectorIndex"/>.
/// </summary>
public sealed class EvidenceStore(string root) : IEvidenceStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Location => Root;

    public bool SupportsRetention => false;

    /// <summary>Stores the pair durably; returns the record's JSON path relative to <see cref="Root"/>.</summary>
    public string Store(EvidenceRecord record, byte[] recordJson, byte[] image)
    {
        var directory = SafePath.Under(Root, EvidenceLayout.Folder(record));
        var jsonPath = Path.Combine(directory, EvidenceLayout.RecordName(record));
        if (File.Exists(jsonPath) && !SameRecord(jsonPath, record.RecordId))
        {
            // Another record claims this sequence (a device whose outbox was reset): keep both.
            jsonPath = Path.Combine(directory, EvidenceLayout.RecordName(record, disambiguated: true));
        }

        Directory.CreateDirectory(directory);
        var imagePath = EvidenceLayout.ImageKeyOf(jsonPath);

        // Temp names of this write alone: collectors sharing the store may write the same record at once (a resend
        // delivered to the other one), and must never truncate or rename each other's half-written files.
        var unique = "." + Guid.NewGuid().ToString("N") + ".tmp";
        WriteSynced(imagePath + unique, image);
        WriteSynced(jsonPath + unique, recordJson);
        File.Move(imagePath + unique, imagePath, overwrite: true);
        File.Move(jsonPath + unique, jsonPath, overwrite: true); // the record last: its presence means the pair is complete
        DurableFile.SyncDirectory(directory); // one directory sync makes both renames durable
        return Path.GetRelativePath(Root, jsonPath);
    }

    private static void WriteSynced(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    public IEnumerable<StoredPair> List() =>
        Enumerate().Select(p => new StoredPair(Path.GetRelativePath(Root, p.JsonPath), Path.GetRelativePath(Root, p.ImagePath)));

    public byte[]? Read(string key)
    {
        var path = Path.GetFullPath(Path.Combine(Root, key));
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
