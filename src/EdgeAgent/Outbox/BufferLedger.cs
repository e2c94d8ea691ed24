namespace EdgeAgent.Outbox;

/// <summary>
/// Bytes of rented image buffers that <see cref="DeliveryItem"/>s of one outbox hold now and held at most: what the
/// uplink's memory bound is about (a window of clips must not hold them all), checked by tests. Two interlocked
/// operations per record read.
/// </summary>
internal sealed class BufferLedger
{
    private long held;
    private long peak;

    public long Held => Volatile.Read(ref held);

    public long Peak => Volatile.Read(ref peak);

    public void Rented(int bytes)
    {
        var now = Interlocked.Add(ref held, bytes);
        var seen = Volatile.Read(ref peak);
        while (now > seen && Interlocked.CompareExchange(ref peak, now, seen) is var before && before != seen)
        {
            seen = before;
        }
    }

    public void Returned(int bytes) => Interlocked.Add(ref held, -bytes);
}
