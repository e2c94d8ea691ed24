using System.Globalization;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// Image chunks staged on disk until their record arrives:
/// <c>{root}/.staging/{device}/{record id}/{index}.{count}.part</c>. On disk, not in memory, so a collector
/// restart loses nothing already acknowledged, collectors sharing a store (MQTT 5 shared subscriptions) can
/// complete each other's images, and a chunk flood costs bounded disk, not memory.
/// Bounded per device, so one device cannot starve the others: at most
/// <see cref="CollectorOptions.MaxPendingImagesPerDevice"/> partial images and
/// <see cref="CollectorOptions.MaxPendingBytesPerDevice"/> bytes; a chunk past either is refused without
/// touching the disk (the device resends it on an <c>incomplete</c> receipt). Partial images older than
/// <see cref="CollectorOptions.MaxPendingAge"/> are dropped. Past <see cref="CollectorOptions.MaxPendingBytes"/>
/// in all, the oldest partial image of the device holding the most is evicted. The quotas are this
/// instance's view (collectors sharing a store each count what they staged and found at start).
/// </summary>
public sealed class ChunkStaging
{
    private readonly string stagingRoot;
    private readonly CollectorOptions options;
    private readonly TimeProvider timeProvider;
    private readonly long perDeviceBytes;
    private readonly Lock sync = new();
    private readonly Dictionary<string, DevicePending> devices = new(StringComparer.Ordinal);
    private long stagedBytes;
    private DateTimeOffset lastSweep;

    /// <summary>Only assigns: the disk work (creating the staging directory, reading what is staged) is <see cref="Open"/>'s.</summary>
    private ChunkStaging(string root, CollectorOptions options, TimeProvider? timeProvider)
    {
        stagingRoot = Path.Combine(Path.GetFullPath(root), ".staging");
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        perDeviceBytes = Math.Min(options.MaxPendingBytesPerDevice, options.MaxPendingBytes);
        lastSweep = this.timeProvider.GetUtcNow();
    }

    /// <summary>Opens the staging area under <paramref name="root"/>, picking up the chunks staged before a restart.</summary>
    public static ChunkStaging Open(string root, CollectorOptions options, TimeProvider? timeProvider = null)
    {
        var staging = new ChunkStaging(root, options, timeProvider);
        Directory.CreateDirectory(staging.stagingRoot);
        staging.Load();
        return staging;
    }

    /// <summary>Bytes of staged chunks on disk (this instance's view).</summary>
    public long StagedBytes => Interlocked.Read(ref stagedBytes);

    /// <summary>Partial images staged now (this instance's view).</summary>
    public int PendingImages
    {
        get
        {
            lock (sync)
            {
                return devices.Values.Sum(d => d.Images.Count);
            }
        }
    }

    /// <summary>Stages a chunk; returns null when staged, else why not (nothing written then).</summary>
    public StagingRefusal? Add(string deviceId, Guid recordId, int index, int count, ReadOnlySpan<byte> data)
    {
        if (count is < 1 or > 100_000 || index < 0 || index >= count)
        {
            return new($"chunk {index} of {count} is out of range", Permanent: true);
        }

        if (data.Length > options.MaxChunkBytes)
        {
            return new($"chunk is {data.Length} bytes; the limit is {options.MaxChunkBytes}", Permanent: true);
        }

        lock (sync)
        {
            var now = timeProvider.GetUtcNow();
            SweepExpired(now);
            if (!devices.TryGetValue(deviceId, out var device))
            {
                devices[deviceId] = device = new DevicePending();
            }

            var directory = RecordDirectory(deviceId, recordId);
            if (device.Images.TryGetValue(recordId, out var image) && image.Count != count)
            {
                // The device re-chunked the image (smaller chunks for a capped broker): start over.
                DiscardLocked(deviceId, recordId);
                image = null;
            }

            if ((image is null && device.Images.Count >= options.MaxPendingImagesPerDevice) || device.Bytes + data.Length > perDeviceBytes)
            {
                ForgetTakenLocked(deviceId, device, now);
            }

            if (image is null && device.Images.Count >= options.MaxPendingImagesPerDevice)
            {
                return new($"device has {device.Images.Count} partial images staged (the limit per device); chunk refused", Permanent: false);
            }

            var target = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{index:D6}.{count:D6}.part"));
            var previous = image is not null && File.Exists(target) ? new FileInfo(target).Length : 0;
            if ((image?.Bytes ?? 0) - previous + data.Length > options.MaxImageBytes)
            {
                DiscardLocked(deviceId, recordId);
                return new($"image exceeds {options.MaxImageBytes} bytes", Permanent: true);
            }

            if (device.Bytes - previous + data.Length > perDeviceBytes)
            {
                return new($"device has {device.Bytes} bytes staged; the limit per device is {perDeviceBytes}; chunk refused", Permanent: false);
            }

            Directory.CreateDirectory(directory);
            WriteAtomically(target, data);
            image ??= device.Images[recordId] = new PendingImage(count, now);
            image.Bytes += data.Length - previous;
            image.LastWrite = now;
            device.Bytes += data.Length - previous;
            Interlocked.Add(ref stagedBytes, data.Length - previous);
            EvictPastQuota(deviceId, recordId);
            return null;
        }
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

    /// <summary>
    /// The whole image when every chunk is staged, else null. Read into one array of the exact size (at most
    /// <see cref="CollectorOptions.MaxImageBytes"/>), so assembling costs the image once, not twice.
    /// </summary>
    public byte[]? TryAssemble(string deviceId, Guid recordId)
    {
        var parts = Parts(deviceId, recordId);
        if (parts.Count == 0 || parts.Count != parts[0].Count)
        {
            return null;
        }

        var lengths = parts.Select(p => new FileInfo(p.Path).Length).ToList();
        var total = lengths.Sum();
        if (total > options.MaxImageBytes)
        {
            return null;
        }

        var image = new byte[total];
        var offset = 0;
        foreach (var part in parts.OrderBy(p => p.Index))
        {
            using var stream = File.OpenRead(part.Path);
            stream.ReadExactly(image, offset, (int)stream.Length);
            offset += (int)stream.Length;
        }

        return image;
    }

    /// <summary>Forgets a record's chunks (stored, rejected or evicted).</summary>
    public void Discard(string deviceId, Guid recordId)
    {
        lock (sync)
        {
            DiscardLocked(deviceId, recordId);
        }
    }

    private void DiscardLocked(string deviceId, Guid recordId)
    {
        if (devices.TryGetValue(deviceId, out var device) && device.Images.Remove(recordId, out var image))
        {
            device.Bytes -= image.Bytes;
            Interlocked.Add(ref stagedBytes, -image.Bytes);
            if (device.Images.Count == 0)
            {
                devices.Remove(deviceId);
            }
        }

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

    /// <summary>
    /// Forgets the images of a device whose staging directory is gone: another collector sharing the store got the record,
    /// stored it and discarded the chunks this one staged. Without this they counted against this collector's quotas
    /// until <see cref="CollectorOptions.MaxPendingAge"/>: with two collectors on a shared subscription, after about
    /// <see cref="CollectorOptions.MaxPendingImagesPerDevice"/> records of one device, every further chunk of it was refused.
    /// Only when a quota is reached, and then a directory check per staged image only when the oldest one is gone or the
    /// last such look was a second ago or more: a device flooding junk chunks past its quota costs one check per chunk.
    /// </summary>
    private void ForgetTakenLocked(string deviceId, DevicePending device, DateTimeOffset now)
    {
        var oldest = device.Images.MinBy(i => i.Value.LastWrite);
        if (oldest.Value is null || (Directory.Exists(RecordDirectory(deviceId, oldest.Key)) && now - device.LastLook < TimeSpan.FromSeconds(1) && now >= device.LastLook))
        {
            return;
        }

        device.LastLook = now;
        foreach (var (recordId, image) in device.Images.Where(i => !Directory.Exists(RecordDirectory(deviceId, i.Key))).ToList())
        {
            device.Images.Remove(recordId);
            device.Bytes -= image.Bytes;
            Interlocked.Add(ref stagedBytes, -image.Bytes);
        }
    }

    /// <summary>Over the total: images other collectors took are forgotten, then the oldest partial image of whichever device holds the most bytes goes first.</summary>
    private void EvictPastQuota(string keepDevice, Guid keep)
    {
        if (Interlocked.Read(ref stagedBytes) > options.MaxPendingBytes)
        {
            var now = timeProvider.GetUtcNow();
            foreach (var (deviceId, device) in devices)
            {
                ForgetTakenLocked(deviceId, device, now);
            }
        }

        while (Interlocked.Read(ref stagedBytes) > options.MaxPendingBytes)
        {
            var victim = devices
                .OrderByDescending(d => d.Value.Bytes)
                .SelectMany(d => d.Value.Images.Where(i => !(d.Key == keepDevice && i.Key == keep)).OrderBy(i => i.Value.LastWrite).Take(1).Select(i => (Device: d.Key, Record: i.Key)))
                .FirstOrDefault();
            if (victim.Device is null)
            {
                return;
            }

            DiscardLocked(victim.Device, victim.Record);
        }
    }

    /// <summary>At most once a minute: drops partial images not written to for <see cref="CollectorOptions.MaxPendingAge"/>.</summary>
    private void SweepExpired(DateTimeOffset now)
    {
        if (now - lastSweep < TimeSpan.FromMinutes(1) && now >= lastSweep)
        {
            return;
        }

        lastSweep = now;
        var expired = devices.SelectMany(d => d.Value.Images.Where(i => now - i.Value.LastWrite > options.MaxPendingAge).Select(i => (d.Key, i.Key))).ToList();
        foreach (var (device, record) in expired)
        {
            DiscardLocked(device, record);
        }
    }

    /// <summary>What is staged already (a restart, or a store shared with other collectors).</summary>
    private void Load()
    {
        foreach (var deviceDirectory in new DirectoryInfo(stagingRoot).EnumerateDirectories())
        {
            var deviceId = SafePath.Decode(deviceDirectory.Name);
            foreach (var recordDirectory in deviceDirectory.EnumerateDirectories())
            {
                var parts = recordDirectory.GetFiles("*.part");
                if (deviceId is null || !Guid.TryParseExact(recordDirectory.Name, "N", out var recordId) || parts.Length == 0 || ParseName(parts[0].Name) is not { } first)
                {
                    recordDirectory.Delete(recursive: true); // not ours (an older layout): the device resends
                    continue;
                }

                if (!devices.TryGetValue(deviceId, out var device))
                {
                    devices[deviceId] = device = new DevicePending();
                }

                var bytes = parts.Sum(p => p.Length);
                device.Images[recordId] = new PendingImage(first.Count, parts.Max(p => new DateTimeOffset(p.LastWriteTimeUtc))) { Bytes = bytes };
                device.Bytes += bytes;
                stagedBytes += bytes;
            }
        }
    }

    private sealed class DevicePending
    {
        public Dictionary<Guid, PendingImage> Images { get; } = [];

        public long Bytes { get; set; }

        /// <summary>When <see cref="ForgetTakenLocked"/> last looked at every image of the device.</summary>
        public DateTimeOffset LastLook { get; set; }
    }

    private sealed class PendingImage(int count, DateTimeOffset lastWrite)
    {
        public int Count { get; } = count;

        public long Bytes { get; set; }

        public DateTimeOffset LastWrite { get; set; } = lastWrite;
    }
}
