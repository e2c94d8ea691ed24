namespace EdgeAgent.Central.Collector;

/// <summary>
/// Staged parts as files: <c>{root}/.staging/{device}/{record id N}/{index:D6}.{count:D6}.part</c>, the device id
/// encoded with <see cref="SafePath"/>. Local to one collector, or on a file system the collectors of a shared-subscription
/// group share (NFS, CephFS), where a rename is atomic.
/// </summary>
public sealed class DirectoryStagedParts : IStagedParts
{
    private readonly string stagingRoot;

    /// <summary>Only assigns: <see cref="Open"/> creates the directory.</summary>
    private DirectoryStagedParts(string root) => stagingRoot = Path.Combine(Path.GetFullPath(root), ".staging");

    /// <summary>The staging directory under <paramref name="root"/>, created when missing.</summary>
    public static DirectoryStagedParts Open(string root)
    {
        var parts = new DirectoryStagedParts(root);
        Directory.CreateDirectory(parts.stagingRoot);
        return parts;
    }

    public string Location => stagingRoot;

    public Task CheckAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>
    /// Temp file and rename, so a chunk is whole or absent, but no fsync: staged chunks survive a collector crash
    /// (the page cache survives the process), and what a power cut takes is recovered by the protocol: the
    /// record gets an <c>incomplete</c> receipt and the device, which still holds it, resends the chunks. The
    /// durable write that a receipt promises is the record's, in <see cref="EvidenceStore"/>.
    /// </summary>
    public void Write(string deviceId, Guid recordId, int index, int count, ReadOnlySpan<byte> data)
    {
        var directory = RecordDirectory(deviceId, recordId);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, StagedPart.Name(index, count));
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp"; // collectors sharing the store may stage the same chunk at once
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(data);
        }

        File.Move(temp, path, overwrite: true);
    }

    public long? Length(string deviceId, Guid recordId, int index, int count)
    {
        var file = new FileInfo(Path.Combine(RecordDirectory(deviceId, recordId), StagedPart.Name(index, count)));
        return file.Exists ? file.Length : null;
    }

    public IReadOnlyList<StagedPart> List(string deviceId, Guid recordId)
    {
        var directory = RecordDirectory(deviceId, recordId);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return [.. new DirectoryInfo(directory).EnumerateFiles("*.part")
            .Select(f => (File: f, Name: StagedPart.ParseName(f.Name)))
            .Where(p => p.Name is not null)
            .Select(p => new StagedPart(p.Name!.Value.Index, p.Name!.Value.Count, p.File.Length))];
    }

    public void Read(string deviceId, Guid recordId, StagedPart part, Span<byte> destination)
    {
        using var stream = File.OpenRead(Path.Combine(RecordDirectory(deviceId, recordId), StagedPart.Name(part.Index, part.Count)));
        stream.ReadExactly(destination);
    }

    /// <summary>Nothing to wait for: <see cref="Write"/> is done when it returns.</summary>
    public void Settle()
    {
    }

    public bool Exists(string deviceId, Guid recordId) => Directory.Exists(RecordDirectory(deviceId, recordId));

    public void Delete(string deviceId, Guid recordId)
    {
        try
        {
            var directory = RecordDirectory(deviceId, recordId);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (DirectoryNotFoundException)
        {
            // another collector sharing the store took it
        }
        catch (IOException) when (Directory.Exists(RecordDirectory(deviceId, recordId)))
        {
            // Another collector sharing the store wrote a chunk into it while we deleted it (a resend of a record
            // that is now stored): whatever is left is released by the next discard or the age limit.
        }
    }

    public IEnumerable<StagedImage> LoadAll()
    {
        foreach (var deviceDirectory in new DirectoryInfo(stagingRoot).EnumerateDirectories())
        {
            var deviceId = SafePath.Decode(deviceDirectory.Name);
            foreach (var recordDirectory in deviceDirectory.EnumerateDirectories())
            {
                var parts = recordDirectory.GetFiles("*.part");
                if (deviceId is null || !Guid.TryParseExact(recordDirectory.Name, "N", out var recordId) || parts.Length == 0 || StagedPart.ParseName(parts[0].Name) is not { } first)
                {
                    recordDirectory.Delete(recursive: true); // not ours (an older layout): the device resends
                    continue;
                }

                yield return new StagedImage(deviceId, recordId, first.Count, parts.Sum(p => p.Length), parts.Max(p => new DateTimeOffset(p.LastWriteTimeUtc)));
            }
        }
    }

    private string RecordDirectory(string deviceId, Guid recordId) => SafePath.Under(stagingRoot, deviceId, recordId.ToString("N"));
}
