namespace EdgeAgent.Central.Collector;

/// <summary>
/// Image chunks staged until their record arrives, in an <see cref="IStagedParts"/>: on disk,
/// <c>{root}/.staging/{device}/{record id}/{index}.{count}.part</c> (<see cref="DirectoryStagedParts"/>), or in the evidence
/// bucket (<see cref="ObjectStore.S3StagedParts"/>, for a shared-subscription group on object storage). Not in memory, so a
/// collector restart loses nothing already acknowledged, collectors sharing the staging (MQTT 5 shared subscriptions) can
/// complete each other's images, and a chunk flood costs bounded disk, not memory. "On disk" below means in the staged parts.
/// Bounded per device, so one device cannot starve the others: at most
/// <see cref="CollectorOptions.MaxPendingImagesPerDevice"/> partial images and
/// <see cref="CollectorOptions.MaxPendingBytesPerDevice"/> bytes; a chunk past either is refused without
/// touching the disk (the device resends it on an <c>incomplete</c> receipt). Partial images older than
/// <see cref="CollectorOptions.MaxPendingAge"/> are dropped. Past <see cref="CollectorOptions.MaxPendingBytes"/>
/// in all, the oldest partial image of the device holding the most is evicted. The quotas are this
/// instance's view (collectors sharing a store each count what they staged and found at start).
/// Under group commit a chunk is first held in memory (<see cref="Add"/> with <c>hold</c>): nothing of a batch is
/// acknowledged before the batch is durable, so a chunk whose record arrives in the same batch never touches the disk,
/// and <see cref="Flush"/> stages on disk, before the batch is acknowledged, only the chunks still waiting for their record.
/// In a shared-subscription group a chunk is written at once instead, so other members can find it (in a bucket the PUT
/// runs in the background, and <see cref="Flush"/> waits for it before the batch is acknowledged).
/// </summary>
public sealed class ChunkStaging
{
    private readonly IStagedParts parts;
    private readonly CollectorOptions options;
    private readonly TimeProvider timeProvider;
    private readonly long perDeviceBytes;
    private readonly Lock sync = new();
    private readonly Dictionary<string, DevicePending> devices = new(StringComparer.Ordinal);
    private readonly HashSet<(string Device, Guid Record)> heldImages = [];
    private long stagedBytes;
    private DateTimeOffset lastSweep;

    /// <summary>Only assigns: reading what is staged is <see cref="Open(IStagedParts, CollectorOptions, TimeProvider?)"/>'s.</summary>
    private ChunkStaging(IStagedParts parts, CollectorOptions options, TimeProvider? timeProvider)
    {
        this.parts = parts;
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        perDeviceBytes = Math.Min(options.MaxPendingBytesPerDevice, options.MaxPendingBytes);
        lastSweep = this.timeProvider.GetUtcNow();
    }

    /// <summary>Opens the staging area under <paramref name="root"/>, picking up the chunks staged before a restart.</summary>
    public static ChunkStaging Open(string root, CollectorOptions options, TimeProvider? timeProvider = null) =>
        Open(DirectoryStagedParts.Open(root), options, timeProvider);

    /// <summary>Opens the staging in <paramref name="parts"/>, picking up the chunks staged there before (a restart, or other collectors).</summary>
    public static ChunkStaging Open(IStagedParts parts, CollectorOptions options, TimeProvider? timeProvider = null)
    {
        var staging = new ChunkStaging(parts, options, timeProvider);
        staging.Load();
        return staging;
    }

    /// <summary>Where the staged parts are (a directory or an <c>s3://</c> location).</summary>
    public string Location => parts.Location;

    /// <summary>Checks once, at start, that staged parts can be written and deleted (a bucket with a default retention rule cannot).</summary>
    public Task CheckAsync(CancellationToken cancellationToken = default) => parts.CheckAsync(cancellationToken);

    /// <summary>Bytes of staged chunks, on disk or held for the open batch (this instance's view).</summary>
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
    /// <param name="hold">
    /// Keep it in memory until <see cref="Flush"/> (or <see cref="DropHeld"/>): only when the chunk is not acknowledged
    /// before the caller's next <see cref="Flush"/>, as under group commit. Otherwise it is written at once.
    /// </param>
    /// <param name="owned">
    /// The array <paramref name="data"/> is, when the caller hands it over (never changes it after): held as is instead of
    /// copied (the collector's payloads, 66 KiB chunks, were copied once more here).
    /// </param>
    /// <param name="settled">
    /// Not held: wait for the write before returning. False only when the caller calls <see cref="Flush"/> before it
    /// acknowledges the chunk (group commit), so a bucket's PUTs run in the background meanwhile.
    /// </param>
    public StagingRefusal? Add(string deviceId, Guid recordId, int index, int count, ReadOnlySpan<byte> data, bool hold = false, byte[]? owned = null, bool settled = true)
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

            var previous = image is null ? 0
                : image.Held is { } held && held.TryGetValue(index, out var part) ? part.Data.Length
                : image.OnDisk ? parts.Length(deviceId, recordId, index, count) ?? 0
                : 0;
            if ((image?.Bytes ?? 0) - previous + data.Length > options.MaxImageBytes)
            {
                DiscardLocked(deviceId, recordId);
                return new($"image exceeds {options.MaxImageBytes} bytes", Permanent: true);
            }

            if (device.Bytes - previous + data.Length > perDeviceBytes)
            {
                return new($"device has {device.Bytes} bytes staged; the limit per device is {perDeviceBytes}; chunk refused", Permanent: false);
            }

            image ??= device.Images[recordId] = new PendingImage(count, now);
            if (hold)
            {
                // Replacing a held part keeps what it replaced on disk (if anything), for DropHeld to count back.
                var replaced = image.Held is { } parts && parts.TryGetValue(index, out var earlier) ? earlier.Replaced : previous;
                (image.Held ??= [])[index] = new HeldPart(owned is not null && owned.AsSpan() == data ? owned : data.ToArray(), replaced);
                heldImages.Add((deviceId, recordId));
            }
            else
            {
                parts.Write(deviceId, recordId, index, count, data);
                if (settled)
                {
                    parts.Settle();
                }

                image.OnDisk = true;
                image.Held?.Remove(index);
            }

            image.Bytes += data.Length - previous;
            image.LastWrite = now;
            device.Bytes += data.Length - previous;
            Interlocked.Add(ref stagedBytes, data.Length - previous);
            EvictPastQuota(deviceId, recordId);
            return null;
        }
    }

    /// <summary>Chunk indexes not staged yet; null when nothing is staged (the chunk count is unknown: send all).</summary>
    public IReadOnlyList<int>? Missing(string deviceId, Guid recordId)
    {
        var staged = Parts(deviceId, recordId);
        if (staged.Count == 0)
        {
            return null;
        }

        var count = staged[0].Count;
        var have = staged.Select(p => p.Index).ToHashSet();
        return [.. Enumerable.Range(0, count).Where(i => !have.Contains(i)).Take(10_000)];
    }

    /// <summary>
    /// The whole image when every chunk is staged, else null. Read into one array of the exact size (at most
    /// <see cref="CollectorOptions.MaxImageBytes"/>), so assembling costs the image once, not twice; an image of one
    /// chunk held in memory is that chunk's array, not a copy.
    /// </summary>
    public byte[]? TryAssemble(string deviceId, Guid recordId)
    {
        var staged = Parts(deviceId, recordId);
        if (staged.Count == 0 || staged.Count != staged[0].Count)
        {
            return null;
        }

        if (staged is [{ Data: { } only }])
        {
            return only.Length > options.MaxImageBytes ? null : only;
        }

        var lengths = staged.Select(p => p.Data?.Length ?? p.Staged!.Length).ToList();
        var total = lengths.Sum();
        if (total > options.MaxImageBytes)
        {
            return null;
        }

        var image = new byte[total];
        var offset = 0;
        foreach (var part in staged.OrderBy(p => p.Index))
        {
            if (part.Data is { } data)
            {
                data.CopyTo(image, offset);
                offset += data.Length;
                continue;
            }

            parts.Read(deviceId, recordId, part.Staged!, image.AsSpan(offset, (int)part.Staged!.Length));
            offset += (int)part.Staged!.Length;
        }

        return image;
    }

    /// <summary>
    /// Writes every chunk held in memory (<see cref="Add"/> with <c>hold</c>) whose image is still staged to disk, as
    /// <see cref="Add"/> without <c>hold</c> would have: called before the chunks are acknowledged.
    /// </summary>
    /// <exception cref="IOException">A chunk could not be written: the chunks not written yet stay held; the caller acknowledges none of them.</exception>
    public void Flush()
    {
        lock (sync)
        {
            foreach (var (deviceId, recordId) in heldImages.ToList())
            {
                if (devices.TryGetValue(deviceId, out var device) && device.Images.TryGetValue(recordId, out var image) && image.Held is { Count: > 0 } held)
                {
                    foreach (var (index, part) in held.ToList())
                    {
                        parts.Write(deviceId, recordId, index, image.Count, part.Data);
                        image.OnDisk = true;
                        held.Remove(index);
                    }
                }

                heldImages.Remove((deviceId, recordId));
            }
        }

        parts.Settle(); // the held chunks just written, and those written in the background since the last flush
    }

    /// <summary>Forgets every chunk held in memory (the batch that brought them was not acknowledged: they are redelivered).</summary>
    public void DropHeld()
    {
        lock (sync)
        {
            foreach (var (deviceId, recordId) in heldImages)
            {
                if (!devices.TryGetValue(deviceId, out var device) || !device.Images.TryGetValue(recordId, out var image) || image.Held is not { } held)
                {
                    continue;
                }

                var bytes = held.Values.Sum(p => (long)p.Data.Length - p.Replaced);
                image.Held = null;
                image.Bytes -= bytes;
                device.Bytes -= bytes;
                Interlocked.Add(ref stagedBytes, -bytes);
                if (!image.OnDisk)
                {
                    device.Images.Remove(recordId);
                    if (device.Images.Count == 0)
                    {
                        devices.Remove(deviceId);
                    }
                }
            }

            heldImages.Clear();
        }

        try
        {
            parts.Settle(); // the batch's background writes are done (or failed: redelivered either way) before the next batch
        }
        catch (IOException)
        {
            // the chunks are redelivered and written again
        }
    }

    /// <summary>Waits for the staged parts' background work (the bucket's writes and deletes) and lets go of them.</summary>
    public void Close() => (parts as IDisposable)?.Dispose();

    /// <summary>Waits (at most 30 s) for the staged parts' background writes and deletes (the bucket's); nothing to wait for on a directory.</summary>
    internal void WaitForBackgroundWork() => (parts as ObjectStore.S3StagedParts)?.WaitIdle(TimeSpan.FromSeconds(30));

    /// <summary>Chunks held in memory for the open batch, not written to disk (yet); for tests and metrics.</summary>
    public int HeldChunks
    {
        get
        {
            lock (sync)
            {
                return devices.Values.Sum(d => d.Images.Values.Sum(i => i.Held?.Count ?? 0));
            }
        }
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
        heldImages.Remove((deviceId, recordId));
        if (devices.TryGetValue(deviceId, out var device) && device.Images.Remove(recordId, out var image))
        {
            device.Bytes -= image.Bytes;
            Interlocked.Add(ref stagedBytes, -image.Bytes);
            if (device.Images.Count == 0)
            {
                devices.Remove(deviceId);
            }
        }

        parts.Delete(deviceId, recordId);
    }

    /// <summary>The record's staged chunks: held in memory (when all are, the disk is not looked at), else on disk with the held ones in place of theirs.</summary>
    private List<Part> Parts(string deviceId, Guid recordId)
    {
        List<Part> held = [];
        var count = 0;
        var onDisk = true;
        lock (sync)
        {
            if (devices.TryGetValue(deviceId, out var device) && device.Images.TryGetValue(recordId, out var image))
            {
                count = image.Count;
                held = [.. (image.Held ?? []).Select(p => new Part(p.Key, image.Count, null, p.Value.Data))];
                onDisk = image.OnDisk || held.Count < image.Count; // another collector sharing the store may have staged the rest
            }
        }

        if (!onDisk)
        {
            return held;
        }

        var fromDisk = parts.List(deviceId, recordId)
            .Where(p => (held.Count == 0 || p.Count == count) && !held.Any(h => h.Index == p.Index))
            .Select(p => new Part(p.Index, p.Count, p, null));
        return [.. held, .. fromDisk];
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
        if (oldest.Value is null || (parts.Exists(deviceId, oldest.Key) && now - device.LastLook < TimeSpan.FromSeconds(1) && now >= device.LastLook))
        {
            return;
        }

        device.LastLook = now;
        foreach (var (recordId, image) in device.Images.Where(i => !parts.Exists(deviceId, i.Key)).ToList())
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
        foreach (var found in parts.LoadAll())
        {
            if (!devices.TryGetValue(found.DeviceId, out var device))
            {
                devices[found.DeviceId] = device = new DevicePending();
            }

            device.Images[found.RecordId] = new PendingImage(found.Count, found.LastWrite) { Bytes = found.Bytes, OnDisk = true };
            device.Bytes += found.Bytes;
            stagedBytes += found.Bytes;
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

        /// <summary>Some of its chunks were written to (or found on) disk.</summary>
        public bool OnDisk { get; set; }

        /// <summary>Chunks held in memory for the open batch, by index.</summary>
        public Dictionary<int, HeldPart>? Held { get; set; }
    }

    /// <param name="Replaced">Bytes of the part on disk it replaces (0: none), counted back when it is dropped.</param>
    private sealed record HeldPart(byte[] Data, long Replaced);

    /// <summary>A staged chunk: in the staged parts (<paramref name="Staged"/>) or held in memory (<paramref name="Data"/>).</summary>
    private sealed record Part(int Index, int Count, StagedPart? Staged, byte[]? Data);
}
