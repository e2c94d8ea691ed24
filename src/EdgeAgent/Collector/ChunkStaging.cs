using System.Globalization;

namespace EdgeAgent.Collector;

/// <summary>
/// Image chunks staged on disk until their record arrives:
/// <c>{root}/.staging/{device}/{record id}/{index}.{count}.part</c>. On disk, not in memory, so a collector
/// restart loses nothing already acknowledged, collectors sharing a store (MQTT 5 shared subscriptions) can
/// complete each other's images, and a chunk flood costs bounded disk, not memory: past
/// <c>maxStagingBytes</c> the oldest partial images are evicted (their devices resend on an incomplete receipt).
/// </summary>
public sealed class ChunkStaging
{
    private readonly string stagingRoot;
    private readonly int maxChunkBytes;
    private readonly long maxImageBytes;
    private readonly long maxStagingBytes;
    private long stagedBytes;

    public ChunkStaging(string root, int maxChunkBytes, long maxImageBytes, long maxStagingBytes)
    {
        stagingRoot = Path.Combine(Path.GetFullPath(root), ".staging");
        this.maxChunkBytes = maxChunkBytes;
        this.maxImageBytes = maxImageBytes;
        this.maxStagingBytes = maxStagingBytes;
        Directory.CreateDirectory(stagingRoot);
        stagedBytes = new DirectoryInfo(stagingRoot).EnumerateFiles("*.part", SearchOption.AllDirectories).Sum(f => f.Length);
    }

    /// <summary>Bytes of staged chunks on disk (this instance's view).</summary>
    public long StagedBytes => Interlocked.Read(ref stagedBytes);

    /// <summary>Stages a chunk durably; returns an error text when the chunk is refused (nothing written then).</summary>
    public string? Add(string deviceId, Guid recordId, int index, int count, ReadOnlySpan<byte> data)
    {
        if (count is < 1 or > 100_000 || index < 0 || index >= count)
        {
            return $"chunk {index} of {count} is out of range";
        }

        if (data.Length > maxChunkBytes)
        {
            return $"chunk is {data.Length} bytes; the limit is {maxChunkBytes}";
        }

        var directory = RecordDirectory(deviceId, recordId);
        var existing = Directory.Exists(directory) ? new DirectoryInfo(directory).GetFiles("*.part") : [];
        if (existing.Any(f => ParseName(f.Name) is { } p && p.Count != count))
        {
            // The device re-chunked the image (smaller chunks for a capped broker): start over.
            Discard(deviceId, recordId);
            existing = [];
        }

        var target = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{index:D6}.{count:D6}.part"));
        var staged = existing.Where(f => f.FullName != target).Sum(f => f.Length);
        if (staged + data.Length > maxImageBytes)
        {
            Discard(deviceId, recordId);
            return $"image exceeds {maxImageBytes} bytes";
        }

        Directory.CreateDirectory(directory);
        var previous = File.Exists(target) ? new FileInfo(target).Length : 0;
        WriteAtomically(target, data);
        Interlocked.Add(ref stagedBytes, data.Length - previous);
        EvictPastQuota(directory);
        return null;
    }

    /// <summary>
    /// Temp file and rename, so a chunk is whole or absent, but no fsync: staged chunks survive a collector crash
    /// (the page cache survives the process), and what a power cut takes is recovered by the protocol: the
    /// record gets an <c>incomplete</c> receipt and the device, which still holds it, resends the chunks. The
    /// durable write that a receipt promises is the record's, in <see cref="EvidenceStore"/>.
    /// </summary>
    private static void WriteAtomically(string path, ReadOnlySpan<byte> data)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp"; // collectors sharing the store may stage the same chunk at once
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(data);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Chunk indexes not staged yet; null when nothing is staged (the chunk count is unknown: send all).</summary>
    public IReadOnlyList<int>? Missing(string deviceId, Guid recordId)
    {
        var parts = Parts(deviceId, recordId);
        if (parts.Count == 0)
        {
            return null;
        }

        var count = parts[0].Count;
        var have = parts.Select(p => p.Index).ToHashSet();
        return [.. Enumerable.Range(0, count).Where(i => !have.Contains(i)).Take(10_000)];
    }

    /// <summary>The whole image when every chunk is staged, else null.</summary>
    public byte[]? TryAssemble(string deviceId, Guid recordId)
    {
        var parts = Parts(deviceId, recordId);
        if (parts.Count == 0 || parts.Count != parts[0].Count)
        {
            return null;
        }

        using var image = new MemoryStream();
        foreach (var part in parts.OrderBy(p => p.Index))
        {
            using var stream = File.OpenRead(part.Path);
            stream.CopyTo(image);
        }

        return image.ToArray();
    }

    /// <summary>Forgets a record's chunks (stored, rejected or evicted).</summary>
    public void Discard(string deviceId, Guid recordId) => DeleteDirectory(RecordDirectory(deviceId, recordId));

    private List<(string Path, int Index, int Count)> Parts(string deviceId, Guid recordId)
    {
        var directory = RecordDirectory(deviceId, recordId);
        return Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory, "*.part").Select(f => (f, ParseName(Path.GetFileName(f)))).Where(p => p.Item2 is not null).Select(p => (p.f, p.Item2!.Value.Index, p.Item2!.Value.Count))]
            : [];
    }

    private string RecordDirectory(string deviceId, Guid recordId) => SafePath.Under(stagingRoot, deviceId, recordId.ToString("N"));

    private static (int Index, int Count)? ParseName(string name)
    {
        var parts = name.Split('.');
        return parts.Length == 3 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var index) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var count) ? (index, count) : null;
    }

    private void EvictPastQuota(string keep)
    {
        if (Interlocked.Read(ref stagedBytes) <= maxStagingBytes)
        {
            return;
        }

        var oldestFirst = new DirectoryInfo(stagingRoot).EnumerateDirectories("*", SearchOption.AllDirectories)
            .Where(d => d.FullName != keep && d.EnumerateFiles("*.part").Any())
            .OrderBy(d => d.LastWriteTimeUtc);
        foreach (var directory in oldestFirst)
        {
            DeleteDirectory(directory.FullName);
            if (Interlocked.Read(ref stagedBytes) <= maxStagingBytes * 9 / 10)
            {
                return;
            }
        }
    }

    private void DeleteDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        var bytes = new DirectoryInfo(directory).EnumerateFiles("*.part").Sum(f => f.Length);
        try
        {
            Directory.Delete(directory, recursive: true);
            Interlocked.Add(ref stagedBytes, -bytes);
        }
        catch (DirectoryNotFoundException)
        {
            // another collector sharing the store took it
        }
        catch (IOException) when (Directory.Exists(directory))
        {
            // Another collector sharing the store wrote a chunk into it while we deleted it (a resend of a record
            // that is now stored): whatever is left is released by the next discard or the staging quota.
        }
    }
}
