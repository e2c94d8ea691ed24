using EdgeAgent.Outbox;

namespace EdgeAgent.Uplink;

/// <summary>
/// Records enter the window from the outbox read ahead: the next records are read (on the outbox's reading connection, a
/// second core) while the window publishes, so a record enters the window without waiting for its row. What is read
/// ahead stays in sequence order after the window's last record and is used once; a short or missing read ahead
/// never ends a round (the outbox is read again then), and a dropped connection drops it.
/// </summary>
public sealed partial class DeliveryWindow
{
    /// <summary>Records read from the outbox at a time.</summary>
    private const int ReadBatch = 8;

    /// <summary>
    /// Bytes held read ahead of the window at most (about a batch of photos, a single clip). Records enter the window
    /// one at a time from here as they are sent, and each buffer goes back to the pool once its publishes settled, so
    /// this, not the window, bounds the image bytes in memory: a window of 256 clips holds none of them after sending.
    /// </summary>
    internal const long ReadAheadBytes = 4 * 1024 * 1024;

    /// <summary>Records read but not yet in the window, in sequence order, all after <see cref="lastQueued"/>.</summary>
    private readonly Queue<DeliveryItem> readAhead = new();

    private long readAheadBytes;

    /// <summary>Buffer bytes of the record that last entered the window: the size the next reads are reckoned at.</summary>
    private int lastHeld;

    /// <summary>The read under way beside the sending (the rows after <see cref="readCursor"/>), or null.</summary>
    private Task<IReadOnlyList<DeliveryItem>>? reading;

    private int readingLimit;

    /// <summary>The last sequence read: the window's last record, or the last one read ahead.</summary>
    private long readCursor;

    /// <summary>Whether the last read returned all it asked for (the outbox may hold more): only then is a read started ahead.</summary>
    private bool moreToRead = true;

    /// <summary>Reads started ahead of the window so far; for tests.</summary>
    public int ReadsAhead { get; private set; }

    /// <summary>
    /// The next record to enter the window, read ahead or read now; null when the outbox holds nothing after the cursor.
    /// Before, a fill put every free slot's record in the window before sending and kept 8 MiB of their images;
    /// each record beyond was read back alone after every publish before it settled (two round trips), so a window of
    /// 256 drained 44 records/s instead of 1,100 (PUBACK-only, 66 KiB images, docs/deploy.md).
    /// </summary>
    private async Task<DeliveryItem?> NextAsync(CancellationToken cancellationToken)
    {
        if (readAhead.Count == 0 && !await ReadMoreAsync(broker.MaxInFlightRecords - inFlight.Count, cancellationToken))
        {
            return null;
        }

        var item = readAhead.Dequeue();
        readAheadBytes -= item.HeldBytes;
        lastHeld = item.HeldBytes;
        return item;
    }

    /// <summary>Puts a record read from the outbox in the window, the next in sequence order.</summary>
    private InFlightRecord Enter(DeliveryItem item)
    {
        var (edgeTime, contentType) = Describe(item.Record);
        var record = new InFlightRecord(item.Sequence, item.RecordId, item.ImageLength, chunkSize) { EdgeTime = edgeTime, ContentType = contentType };
        inFlight[item.Sequence] = record;
        lastQueued = item.Sequence;
        return record;
    }

    /// <summary>
    /// Records to read at once: as many as fit in what is left of <see cref="ReadAheadBytes"/> at the buffer size of the
    /// record just taken (a batch of photos, one clip), 1 to <paramref name="most"/> (at most <see cref="ReadBatch"/>).
    /// </summary>
    private int ReadLimit(int most) =>
        (int)Math.Clamp((ReadAheadBytes - readAheadBytes) / Math.Max(1L, lastHeld), 1, Math.Clamp(most, 1, ReadBatch));

    /// <summary>
    /// Takes the read under way, or reads now; false when the outbox holds nothing after the cursor. When the read
    /// ahead brought nothing, the outbox is read now: records appended after it ran are sent without waiting for the
    /// next wake (after a short one, when its records have entered the window).
    /// </summary>
    private async Task<bool> ReadMoreAsync(int free, CancellationToken cancellationToken)
    {
        if (reading is { } pending)
        {
            reading = null;
            var limit = readingLimit;
            if (Take(await pending.WaitAsync(cancellationToken), limit) > 0)
            {
                return true;
            }
        }

        var wanted = ReadLimit(free);
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

    /// <summary>
    /// Starts reading the next records beside the sending, when the outbox may hold more and a batch fits in what is
    /// left of <see cref="ReadAheadBytes"/> (<see cref="ReadBatch"/> records, or half of it; one record when nothing is
    /// read ahead, a clip). Topped up after every record sent, the read-ahead otherwise read one record at a time as
    /// each left it: end to end with a window of 64, a read per record cost more CPU than the reads it saved.
    /// </summary>
    private void ReadAhead()
    {
        var room = ReadAheadBytes - readAheadBytes;
        if (reading is not null || !moreToRead || room <= 0 || (readAhead.Count > 0 && room < Math.Min(ReadBatch * (long)Math.Max(1, lastHeld), ReadAheadBytes / 2)))
        {
            return;
        }

        var limit = ReadLimit(ReadBatch);
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
