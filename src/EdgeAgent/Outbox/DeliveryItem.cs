using System.Buffers;

namespace EdgeAgent.Outbox;

/// <summary>
/// A record read for sending (<see cref="EvidenceOutbox.ReadForDeliveryAsync(long, int, CancellationToken)"/>): its image lies in a buffer rented
/// from <see cref="ArrayPool{T}.Shared"/>, the first <see cref="ImageLength"/> bytes. A new 66 KiB array per record
/// cost the drain a fifth of its CPU in clearing fresh memory and page faults (perf, docs/deploy.md). The sender gives
/// the buffer back with <see cref="Return"/> only once nothing can still read it (every publish of it completed);
/// a buffer never returned is simply collected.
/// </summary>
public sealed class DeliveryItem(long sequence, Guid recordId, byte[] record, byte[] buffer, int imageLength)
{
    private byte[]? buffer = buffer;

    public long Sequence { get; } = sequence;

    public Guid RecordId { get; } = recordId;

    /// <summary>The record's JSON, as stored.</summary>
    public byte[] Record { get; } = record;

    public int ImageLength { get; } = imageLength;

    /// <summary>Bytes held for the image (the rented buffer, up to twice the image): what memory bounds count.</summary>
    public int HeldBytes { get; } = buffer.Length;

    /// <summary>The image's bytes; throws once the buffer went back to the pool.</summary>
    public ArraySegment<byte> Image => new(buffer ?? throw new ObjectDisposedException(nameof(DeliveryItem), $"record {Sequence}'s image buffer was returned"), 0, ImageLength);

    /// <summary>Whether the buffer was given back.</summary>
    public bool Returned => Volatile.Read(ref buffer) is null;

    /// <summary>Counts the buffer as held until it is returned; set by the outbox that rented it.</summary>
    internal BufferLedger? Ledger { get; init; }

    /// <summary>Gives the buffer back to the pool, once: the caller guarantees that nothing still reads it.</summary>
    public void Return()
    {
        if (Interlocked.Exchange(ref buffer, null) is { } rented)
        {
            Ledger?.Returned(rented.Length);
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
