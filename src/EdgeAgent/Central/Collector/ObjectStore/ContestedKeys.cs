namespace EdgeAgent.Central.Collector.ObjectStore;

/// <summary>
/// Record keys a batch found held by another record (<see cref="KeyHeldException"/>), remembered so that every later
/// delivery of them takes the store's checked path. Held to <see cref="Max"/>, the oldest forgotten first, and never
/// forgotten sooner: a key forgotten when its redelivery took the checked path came back on the background path
/// whenever that batch failed for another record's key, so two records of a reset device redelivered together
/// failed their batches in turn, for ever (seen in CI: "stored 2 of 4 records within 30 s"). A key forgotten by the
/// bound costs one more redelivery, not a record; a batch holds at most 128 messages, so its keys never evict each other.
/// Thread-safe: the batch's background checks add, the collector's loop reads.
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

            order.Enqueue(key);
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
}
