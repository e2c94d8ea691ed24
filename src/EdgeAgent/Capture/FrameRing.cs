namespace EdgeAgent.Capture;

/// <summary>
/// The pre-trigger ring: recent raw frames, bounded in bytes and in age, spaced at least
/// <c>spacing</c> apart so a 2 s window of 1080p needs a handful of frames, not every frame.
/// Nothing here is encoded; a capture plan picks the few it needs.
/// </summary>
public sealed class FrameRing(long maxBytes, TimeSpan window, TimeSpan spacing, TimeProvider timeProvider)
{
    private readonly LinkedList<Frame> frames = new();
    private readonly Lock gate = new();
    private long bytes;

    public long MaxBytes { get; } = maxBytes;

    /// <summary>How far back the ring reaches.</summary>
    public TimeSpan Window { get; } = window;

    public long Bytes
    {
        get
        {
            lock (gate)
            {
                return bytes;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return frames.Count;
            }
        }
    }

    /// <summary>
    /// Offers a frame; keeps it if it is far enough from the last kept one, then evicts by age and bytes.
    /// Returns whether it was kept, and adds the frames it evicted to <paramref name="evicted"/>.
    /// </summary>
    public bool Offer(Frame frame, List<Frame>? evicted = null)
    {
        if (MaxBytes <= 0 || frame.Bytes > MaxBytes)
        {
            return false;
        }

        lock (gate)
        {
            if (frames.Last is { } last && timeProvider.GetElapsedTime(last.Value.Timestamp, frame.Timestamp) < spacing)
            {
                return false;
            }

            frames.AddLast(frame);
            bytes += frame.Bytes;
            while (frames.First is { } first &&
                   (bytes > MaxBytes || timeProvider.GetElapsedTime(first.Value.Timestamp, frame.Timestamp) > Window))
            {
                bytes -= first.Value.Bytes;
                evicted?.Add(first.Value);
                frames.RemoveFirst();
            }

            return ReferenceEquals(frames.Last?.Value, frame);
        }
    }

    /// <summary>Whether the ring still holds <paramref name="frame"/>.</summary>
    public bool Contains(Frame frame)
    {
        lock (gate)
        {
            return frames.Any(f => ReferenceEquals(f, frame));
        }
    }

    /// <summary>Frames that arrived in [<paramref name="fromTimestamp"/>, <paramref name="toTimestamp"/>), oldest first.</summary>
    public IReadOnlyList<Frame> Between(long fromTimestamp, long toTimestamp)
    {
        lock (gate)
        {
            return [.. frames.Where(f => f.Timestamp >= fromTimestamp && f.Timestamp < toTimestamp)];
        }
    }
}
