namespace EdgeAgent.Capture.Decoding;

/// <summary>
/// How many cameras may hold a libavcodec decode session (an open decoder and its pictures, 15–30 MiB at 1080p) at
/// once, across the agent: a trigger on four cameras otherwise decodes on all four together and holds four sessions at
/// its peak, for no gain on a machine with fewer cores. A <see cref="WarmGopDecoder"/> takes a slot when it opens a
/// session (or a lone keyframe's decoder) and gives it back when the session is freed. A photo that finds no free slot
/// waits, and makes every holder that is between two decodes free its session (<see cref="WarmGopDecoder.YieldIfIdle"/>;
/// a holder inside a decode frees it when that decode ends); a prefeed that finds none skips its head start. A lone
/// keyframe (a health sample) of a camera that holds a slot decodes on that slot, beside its session, for its moment.
/// </summary>
public sealed class DecodeSlots
{
    private readonly Lock sync = new();
    private readonly HashSet<WarmGopDecoder> holders = [];
    private readonly Queue<(WarmGopDecoder Holder, TaskCompletionSource Slot)> waiting = new();
    private int available;
    private int sessions;
    private int peakSessions;

    public DecodeSlots(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        available = capacity;
    }

    /// <summary>The agent's default: two sessions at once (one per core here; the photo of a third camera waits for one of them).</summary>
    public const int DefaultCapacity = 2;

    public int Capacity { get; }

    /// <summary>True while a decode waits for a slot: a holder frees its session as soon as it is not decoding.</summary>
    internal bool Contended
    {
        get
        {
            lock (sync)
            {
                return waiting.Any(w => !w.Slot.Task.IsCompleted);
            }
        }
    }

    /// <summary>Decode sessions open now (warm sessions and lone keyframes' decoders).</summary>
    internal int Sessions => Volatile.Read(ref sessions);

    /// <summary>The most decode sessions that were open at once.</summary>
    internal int PeakSessions => Volatile.Read(ref peakSessions);

    /// <summary>Takes a slot for <paramref name="holder"/>, waiting for one (first come, first served) and asking idle holders to free theirs.</summary>
    internal async Task AcquireAsync(WarmGopDecoder holder, CancellationToken cancellationToken)
    {
        TaskCompletionSource slot;
        WarmGopDecoder[] others;
        lock (sync)
        {
            if (TryTake(holder))
            {
                return;
            }

            slot = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting.Enqueue((holder, slot));
            others = [.. holders];
        }

        foreach (var other in others)
        {
            other.YieldIfIdle();
        }

        using (cancellationToken.Register(() => slot.TrySetCanceled(cancellationToken)))
        {
            await slot.Task; // Release hands the slot over (and adds the holder) or the token cancels the wait
        }
    }

    /// <summary>Takes a slot only if one is free and nobody waits for it (a prefeed: only a head start).</summary>
    internal bool TryAcquire(WarmGopDecoder holder)
    {
        lock (sync)
        {
            return TryTake(holder);
        }
    }

    internal void Release(WarmGopDecoder holder)
    {
        lock (sync)
        {
            holders.Remove(holder);
            while (waiting.TryDequeue(out var next))
            {
                if (next.Slot.TrySetResult())
                {
                    holders.Add(next.Holder);
                    return;
                }
            }

            available++;
        }
    }

    /// <summary>A session was opened (counted for <see cref="PeakSessions"/>).</summary>
    internal void Opened()
    {
        var now = Interlocked.Increment(ref sessions);
        int peak;
        while (now > (peak = Volatile.Read(ref peakSessions)) && Interlocked.CompareExchange(ref peakSessions, now, peak) != peak)
        {
        }
    }

    internal void Closed() => Interlocked.Decrement(ref sessions);

    private bool TryTake(WarmGopDecoder holder)
    {
        if (available == 0 || waiting.Any(w => !w.Slot.Task.IsCompleted))
        {
            return false;
        }

        available--;
        holders.Add(holder);
        return true;
    }
}
