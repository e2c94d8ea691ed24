namespace EdgeAgent.Central.Collector;

/// <summary>
/// Where <see cref="ChunkStaging"/> keeps the chunks it staged: a part per chunk, named by device, record id, index and
/// count. Two implementations: <see cref="DirectoryStagedParts"/> (<c>{root}/.staging</c>, local or on a shared file
/// system) and <see cref="ObjectStore.S3StagedParts"/> (<c>{prefix}.staging/</c> in the evidence bucket, for collectors in
/// a shared-subscription group that share no file system). Quotas, the memory hold, eviction and the sweep are
/// <see cref="ChunkStaging"/>'s; this type only reads and writes parts. Device ids are encoded with
/// <see cref="SafePath.Segment"/> by every implementation before they name anything.
/// </summary>
public interface IStagedParts
{
    /// <summary>Where the parts are, for logs: a directory or an <c>s3://</c> location.</summary>
    string Location { get; }

    /// <summary>Checks once, at start, that staged parts can be written and deleted; throws <see cref="StoreCheckException"/> saying what is wrong.</summary>
    Task CheckAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes one part whole or not at all, replacing one of the same index and count. May finish in the background
    /// (the bucket): <see cref="Settle"/> waits for it; this instance's reads of the record see it at once.
    /// </summary>
    void Write(string deviceId, Guid recordId, int index, int count, ReadOnlySpan<byte> data);

    /// <summary>Waits for the writes started since the last call; throws the first failure (their chunks must not be acknowledged).</summary>
    void Settle();

    /// <summary>The part's length, or null when it is not staged.</summary>
    long? Length(string deviceId, Guid recordId, int index, int count);

    /// <summary>The record's staged parts (any chunk count), in no particular order.</summary>
    IReadOnlyList<StagedPart> List(string deviceId, Guid recordId);

    /// <summary>Reads a part into <paramref name="destination"/>, which is exactly as long as <see cref="List"/> said.</summary>
    /// <exception cref="IOException">The part is gone, or its length changed.</exception>
    void Read(string deviceId, Guid recordId, StagedPart part, Span<byte> destination);

    /// <summary>Whether anything is staged for the record (false: nothing, or another collector took and deleted it).</summary>
    bool Exists(string deviceId, Guid recordId);

    /// <summary>Deletes every part of the record; parts already gone are no error. May finish in the background, after the record's writes.</summary>
    void Delete(string deviceId, Guid recordId);

    /// <summary>Every record staged now (at open: a restart, or parts other collectors staged); what is not ours is deleted.</summary>
    IEnumerable<StagedImage> LoadAll();
}
