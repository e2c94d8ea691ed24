namespace EdgeAgent.Capture;

/// <summary>
/// The pre-trigger ring, in one of two forms:
/// <list type="bullet">
/// <item>raw: recent decoded frames, bounded in bytes and in age, spaced at least <c>spacing</c> apart so a 2 s window
/// of 1080p needs a handful of frames, not every frame (sources with no compressed form);</item>
/// <item>compressed (<see cref="Compressed"/>): every encoded unit of the last <see cref="Window"/>, always starting at a
/// keyframe, so any frame held decodes from the units before it. Eviction drops whole GOPs: the oldest GOP goes once the
/// next keyframe was itself produced at or before the window's start, or while the ring is over <see cref="MaxBytes"/>. A GOP
/// larger than the byte cap is not kept at all (until the next keyframe); units before the first keyframe are never kept.</item>
/// </list>
/// Nothing here is encoded or decoded; a capture plan picks the few frames it needs.
/// </summary>
public sealed class FrameRing(long maxBytes, TimeSpan window, TimeSpan spacing, TimeProvider timeProvider, bool compressed = false)
{
    private readonly LinkedList<Frame> frames = new();
    private readonly List<LinkedListNode<Frame>> keyframes = []; // compressed: the held keyframes' nodes, oldest first
    private readonly Lock gate = new();
    private long bytes;
    private bool waitingForKeyframe = true;

    public long MaxBytes { get; } = maxBytes;

    /// <summary>How far back the ring reaches.</summary>
    public TimeSpan Window { get; } = window;

    /// <summary>Holds encoded units from a keyframe on (every unit), not spaced raw frames.</summary>
    public bool Compressed { get; } = compressed;

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
    /// Offers a frame; keeps it if it is far enough from the last kept one (raw) or decodable from the ring (compressed),
    /// then evicts by age and bytes. Returns whether it was kept, and adds the frames it evicted to <paramref name="evicted"/>.
    /// </summary>
    public bool Offer(Frame frame, List<Frame>? evicted = null)
    {
        if (MaxBytes <= 0 || frame.Bytes > MaxBytes)
        {
            if (Compressed)
            {
                lock (gate)
                {
                    waitingForKeyframe = true; // a unit missing from the ring breaks the chain until the next keyframe
                }
            }

            return false;
        }

        return Compressed ? OfferUnit(frame, evicted) : OfferRaw(frame, evicted);
    }

    private bool OfferRaw(Frame frame, List<Frame>? evicted)
    {
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
                RemoveFirst(evicted);
            }

            return ReferenceEquals(frames.Last?.Value, frame);
        }
    }

    private bool OfferUnit(Frame frame, List<Frame>? evicted)
    {
        var key = IsKeyframe(frame);
        lock (gate)
        {
            if (key && frames.Last is { } previous && Changed(previous.Value, frame))
            {
                // A new picture size or codec: older units are not decodable together with the new ones.
                while (frames.First is not null)
                {
                    RemoveFirst(evicted);
                }
            }

            if (waitingForKeyframe && !key)
            {
                return false;
            }

            waitingForKeyframe = false;
            var added = frames.AddLast(frame);
            if (key)
            {
                keyframes.Add(added);
            }

            bytes += frame.Bytes;
            // Age, by production time (a backlog arriving in a burst is still seconds of picture): the oldest GOP goes once
            // the next GOP alone still reaches back to the window's start.
            while (SecondKeyframe() is { } next && frame.ProducedAt - next.Value.ProducedAt >= Window)
            {
                DropFirstGop(evicted);
            }

            // Bytes: oldest GOPs first; if the current GOP alone is too large, nothing is kept until the next keyframe.
            while (bytes > MaxBytes && frames.First is not null)
            {
                var only = SecondKeyframe() is null;
                DropFirstGop(evicted);
                if (only)
                {
                    waitingForKeyframe = true;
                }
            }

            return ReferenceEquals(frames.Last?.Value, frame);
        }
    }

    /// <summary>
    /// The stream broke (a reconnect): units already held stay (each GOP held decodes up to its last unit), but nothing
    /// more is kept until the next keyframe, since the new stream's first units may depend on pictures never received.
    /// </summary>
    public void Interrupt()
    {
        lock (gate)
        {
            waitingForKeyframe = true;
        }
    }

    /// <summary>Whether the ring still holds <paramref name="frame"/>.</summary>
    public bool Contains(Frame frame)
    {
        lock (gate)
        {
            // Newest first: the reader asks about the frame before the newest, every frame.
            for (var node = frames.Last; node is not null; node = node.Previous)
            {
                if (ReferenceEquals(node.Value, frame))
                {
                    return true;
                }
            }

            return false;
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

    /// <summary>
    /// Compressed ring: the units from the keyframe at or before <paramref name="frame"/> up to it, which decode to its
    /// picture; null when the ring no longer holds it.
    /// </summary>
    public IReadOnlyList<EncodedUnit>? UnitsFor(Frame frame)
    {
        lock (gate)
        {
            var units = new List<EncodedUnit>();
            for (var node = frames.First; node is not null; node = node.Next)
            {
                if (IsKeyframe(node.Value))
                {
                    units.Clear();
                }

                units.Add(node.Value.Image.Encoded!);
                if (ReferenceEquals(node.Value, frame))
                {
                    return units;
                }
            }

            return null;
        }
    }

    /// <summary>All frames held now, oldest first (compressed: starting at a keyframe).</summary>
    public IReadOnlyList<Frame> Snapshot()
    {
        lock (gate)
        {
            return [.. frames];
        }
    }

    private static bool IsKeyframe(Frame frame) => frame.Image.Encoded is { Keyframe: true };

    private static bool Changed(Frame before, Frame now) =>
        before.Image.Encoded is { } a && now.Image.Encoded is { } b && (a.Width != b.Width || a.Height != b.Height || a.Codec != b.Codec);

    /// <summary>The second keyframe held (the first is the ring's first unit), without walking the units: asked every unit.</summary>
    private LinkedListNode<Frame>? SecondKeyframe() => keyframes.Count >= 2 ? keyframes[1] : null;

    private void DropFirstGop(List<Frame>? evicted)
    {
        RemoveFirst(evicted);
        while (frames.First is { } first && !IsKeyframe(first.Value))
        {
            RemoveFirst(evicted);
        }
    }

    private void RemoveFirst(List<Frame>? evicted)
    {
        if (keyframes.Count > 0 && ReferenceEquals(keyframes[0], frames.First))
        {
            keyframes.RemoveAt(0);
        }

        var first = frames.First!.Value;
        bytes -= first.Bytes;
        evicted?.Add(first);
        frames.RemoveFirst();
    }
}
