namespace EdgeAgent.Central.Collector.ObjectStore;

/// <summary>
/// Record keys a batch found held by another record (<see cref="KeyHeldException"/>), remembered so that their
/// redelivery takes the store's checked path. Held to <see cref="Max"/>, the oldest forgotten first: a redelivery
/// that went to another collector is never seen here, and a forgotten key costs one more redelivery, not a record.
/// Thread-safe: the batch's background checks add, the collector's loop reads and forgets.
/// </summary>
internal sealed class ContestedKeys(int max)
{
    private readonly HashSet<string> keys = new(StringComparer.Ordinal);
    private readonly Queue<string> order = new();

    public int Max { get; } = max;

    public int Count
    {
        get
        {
            lock (keys)
            {
                return keys.Count;
            }
        }
    }

    public void Add(string key)
    {
        lock (keys)
        {
            if (!keys.Add(key))
            {
                return;
            }

            order.Enqueue(key); // a key forgotten (redelivered here) stays queued until it is the oldest: the queue bounds both
            while (order.Count > Max)
            {
                keys.Remove(order.Dequeue());
            }
        }
    }

    public bool Contains(string key)
    {
        lock (keys)
        {
            return keys.Contains(key);
        }
    }

    /// <summary>Forgets <paramref name="key"/> (its redelivery took the checked path).</summary>
    public void Forget(string key)
    {
        lock (keys)
        {
            keys.Remove(key);
        }
    }
}
