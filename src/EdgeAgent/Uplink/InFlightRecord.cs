namespace EdgeAgent.Uplink;

/// <summary>
/// A record the uplink has started sending and that has no final receipt yet. Remembers which chunks the
/// broker has acknowledged, so a reconnect resumes from the first unacknowledged chunk.
/// </summary>
public sealed class InFlightRecord(long sequence, Guid recordId, int imageBytes, int chunkSize)
{
    private readonly SortedSet<int> chunksToSend = [.. Enumerable.Range(0, ChunksFor(imageBytes, chunkSize))];

    public long Sequence { get; } = sequence;

    public Guid RecordId { get; } = recordId;

    public int ImageBytes { get; } = imageBytes;

    /// <summary>Bytes per chunk, fixed for this record's life so the collector sees one consistent chunk count.</summary>
    public int ChunkSize { get; } = chunkSize;

    public int ChunkCount { get; } = ChunksFor(imageBytes, chunkSize);

    /// <summary>The trigger edge the record documents, when known; for the edge → stored latency.</summary>
    public DateTimeOffset? EdgeTime { get; init; }

    /// <summary>The chunks' content type: <c>image/jpeg</c>, or <c>video/mp4</c> for a clip record.</summary>
    public string ContentType { get; init; } = "image/jpeg";

    public static int ChunksFor(int imageBytes, int chunkSize) => Math.Max(1, (imageBytes + chunkSize - 1) / chunkSize);

    /// <summary>Whether the record message still has to be (re)published.</summary>
    public bool RecordToSend { get; private set; } = true;

    /// <summary>When the record message was last acknowledged by the broker; the receipt timeout runs from here.</summary>
    public DateTimeOffset? SentAt { get; private set; }

    public bool HasWork => RecordToSend || chunksToSend.Count > 0;

    /// <summary>The next chunk to publish, or null when all chunks are with the broker.</summary>
    public int? NextChunk => chunksToSend.Count > 0 ? chunksToSend.Min : null;

    /// <summary>The chunks still to publish, in order: a copy, so acknowledgements may arrive while they are sent.</summary>
    public IReadOnlyList<int> ChunksToSend => [.. chunksToSend];

    public void ChunkAcknowledged(int index) => chunksToSend.Remove(index);

    public void RecordAcknowledged(DateTimeOffset now)
    {
        RecordToSend = false;
        SentAt = now;
    }

    /// <summary>After a reconnect: unfinished records resume where they stopped; finished ones re-announce the record only.</summary>
    public void Reconnected()
    {
        RecordToSend = true;
    }

    /// <summary>The collector listed missing chunks: send those, then the record.</summary>
    public void ResendChunks(IEnumerable<int> missing)
    {
        foreach (var index in missing.Where(i => i >= 0 && i < ChunkCount))
        {
            chunksToSend.Add(index);
        }

        RecordToSend = true;
    }

    /// <summary>No receipt in time: send everything again.</summary>
    public void ResendAll()
    {
        ResendChunks(Enumerable.Range(0, ChunkCount));
    }

    public bool IsOverdue(DateTimeOffset now, TimeSpan timeout) => !HasWork && SentAt is { } sent && now - sent >= timeout;
}
