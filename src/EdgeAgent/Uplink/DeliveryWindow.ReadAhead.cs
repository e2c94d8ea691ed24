using EdgeAgent.Outbox;

namespace EdgeAgent.Uplink;

/// <summary>
/// Filling the window, with the outbox read ahead: the next records are read (on the outbox's reading connection, a
/// second core) while the window publishes, so a record enters the window without waiting for its row. What is read
/// ahead stays in sequence order after the window's last record and is used once; a short or missing read ahead
/// never ends a fill (the outbox is read again then), and a dropped connection drops it.
/// </summary>
public sealed partial class DeliveryWindow
{
    /// <summary>Records read from the outbox at a time.</summary>
    private const int FillBatch = 8;

    /// <summary>Image bytes a fill keeps for the first send (the rented buffers holding them may be up to twice that); later records are read back one at a time when sent (a clip is megabytes).</summary>
    private const long FreshBytes = 8 * 1024 * 1024;

    /// <summary>Bytes held read ahead of the window at most (about a batch of photos, a single clip).</summary>
    private const long ReadAheadBytes = 4 * 1024 * 1024;

    /// <summary>Records read but not yet in the window, in sequence order, all after <see cref="lastQueued"/>.</summary>
    private readonly Queue<DeliveryItem> readAhead = new();

    private long readAheadBytes;

    /// <summary>The read under way beside the sending (the rows after <see cref="readCursor"/>), or null.</summary>
    private Task<IReadOnlyList<DeliveryItem>>? reading;

    private int readingLimit;

    /// <summary>The last sequence read: the window's last record, or the last one read ahead.</summary>
    private long readCursor;

    /// <summary>Whether the last read returned all it asked for (the outbox may hold more): only then is a read started ahead.</summary>
    private bool moreToRead = true;

    /// <summary>Reads started ahead of the window so far; for tests.</summary>
    public int ReadsAhead { get; private set; }

    private async Task<Dictionary<long, DeliveryItem>> FillAsync(CancellationToken cancellationToken)
    {
        var free = broker.MaxInFlightRecords - inFlight.Count;
        var fresh = new Dictionary<long, DeliveryItem>();
        var kept = unsent.Values.Sum(i => (long)i.ImageLength); // still held for their first send
        while (free > 0 && (readAhead.Count > 0 || await ReadMoreAsync(Math.Min(free, FillBatch), cancellationToken)))
        {
            var item = readAhead.Dequeue();
            readAheadBytes -= item.HeldBytes;
            var (edgeTime, contentType) = Describe(item.Record);
            inFlight[item.Sequence] = new InFlightRecord(item.Sequence, item.RecordId, item.ImageLength, chunkSize) { EdgeTime = edgeTime, ContentType = contentType };
            // Counted in image bytes, as before the pooled buffers: counted by rented size (up to twice the image) the
            // fill kept half as many records, and each record beyond is read back one at a time, after the publishes
            // before it settled (docs/deploy.md, "Not done yet": windows above 64 collapsed). The buffers held may
            // then reach twice FreshBytes.
            if (kept + item.ImageLength <= FreshBytes)
            {
                // In memory for the first send up to FreshBytes: a window of 64 clips would otherwise hold 64 MP4s at once.
                fresh[item.Sequence] = item;
                kept += item.ImageLength;
            }
            else
            {
                item.Return(); // read back when sent; never handed out
            }

            lastQueued = item.Sequence;
            free--;
        }

        ReadAhead();
        return fresh;
    }

    /// <summary>
    /// Takes the read under way, or reads now; false when the outbox holds nothing after the cursor. A short read
    /// ahead is followed by a read now: records appended after it ran are sent without waiting for the next wake.
    /// </summary>
    private async Task<bool> ReadMoreAsync(int wanted, CancellationToken cancellationToken)
    {
        if (reading is { } pending)
        {
            reading = null;
            var limit = readingLimit;
            if (Take(await pending.WaitAsync(cancellationToken), limit) > 0 && moreToRead)
            {
                return true;
            }
        }

        Take(await outbox.ReadForDeliveryAsync(readCursor, wanted, cancellationToken), wanted);
        return readAhead.Count > 0;
    }

    /// <summary>Queues what a read returned (only rows after the cursor); how many.</summary>
    private int Take(IReadOnlyList<DeliveryItem> batch, int limit)
    {
        var taken = 0;
        foreach (var item in batch)
        {
            if (item.Sequence <= readCursor)
            {
                item.Return(); // already in the window or read ahead
                continue;
            }

            readAhead.Enqueue(item);
            readAheadBytes += item.HeldBytes;
            readCursor = item.Sequence;
            taken++;
        }

        moreToRead = batch.Count >= limit;
        return taken;
    }

    /// <summary>Between publishes: queues a read ahead that has finished and starts the next, so reading keeps pace with the sending.</summary>
    private void TopUpReadAhead()
    {
        if (reading is { IsCompletedSuccessfully: true } done)
        {
            reading = null;
            Take(done.Result, readingLimit);
        }

        ReadAhead();
    }

    /// <summary>Starts reading the next records beside the sending, when the outbox may hold more and less than <see cref="ReadAheadBytes"/> is read ahead.</summary>
    private void ReadAhead()
    {
        if (reading is not null || !moreToRead || readAheadBytes >= ReadAheadBytes)
        {
            return;
        }

        // As many as fit in ReadAheadBytes at the size of the records just read: a batch of photos, one clip.
        var size = Math.Max(1L, inFlight.TryGetValue(lastQueued, out var last) ? last.ImageBytes : 1);
        var limit = (int)Math.Clamp((ReadAheadBytes - readAheadBytes) / size, 1, FillBatch);
        var after = readCursor;
        readingLimit = limit;
        reading = Task.Run(() => outbox.ReadForDeliveryAsync(after, limit, CancellationToken.None));
        ReadsAhead++;
    }

    /// <summary>Waits for a read under way and forgets what was read ahead: the next run reads after the window's last record.</summary>
    private async Task DropReadAheadAsync()
    {
        if (reading is { } pending)
        {
            reading = null;
            await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // a failed read is read again next time
            if (pending.IsCompletedSuccessfully)
            {
                ReturnAll(pending.Result);
            }
        }

        ReturnAll(readAhead);
        readAhead.Clear();
        ReturnAll(unsent.Values);
        unsent.Clear();
        (readAheadBytes, readCursor, moreToRead) = (0, lastQueued, true);
    }

    /// <summary>Gives back buffers that were never handed to a publish.</summary>
    private static void ReturnAll(IEnumerable<DeliveryItem> items)
    {
        foreach (var item in items)
        {
            item.Return();
        }
    }
}
