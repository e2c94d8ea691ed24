namespace EdgeAgent.Triggers;

/// <summary>Counts a line's edges in a sliding time window, for chatter detection. Not thread-safe: the owner locks.</summary>
internal sealed class EdgeWindow(TimeProvider time, TimeSpan window)
{
    private readonly Queue<long> edges = new();

    public long Total { get; private set; }

    /// <summary>Records an edge now and returns how many edges the window holds.</summary>
    public int Add()
    {
        var now = time.GetTimestamp();
        Total++;
        edges.Enqueue(now);
        return Trim(now);
    }

    public int Count() => Trim(time.GetTimestamp());

    public void Clear() => edges.Clear();

    private int Trim(long now)
    {
        while (edges.Count > 0 && time.GetElapsedTime(edges.Peek(), now) > window)
        {
            edges.Dequeue();
        }

        return edges.Count;
    }
}
