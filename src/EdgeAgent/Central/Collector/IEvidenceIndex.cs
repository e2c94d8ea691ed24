using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// The collector's index of stored records: the authority for "stored once" (one row per record id, across
/// every collector that shares it) and for per-device sequence gaps. <see cref="CollectorIndex"/> (SQLite in
/// the store) is the embedded default; <see cref="PostgresEvidenceIndex"/> serves several collectors sharing a
/// store. <see cref="EvidenceIndexFactory"/> picks one from <see cref="EvidenceIndexOptions"/>.
/// </summary>
public interface IEvidenceIndex : IDisposable
{
    bool Contains(Guid recordId);

    /// <summary>Adds the record; false when it was already indexed (by this or another collector).</summary>
    /// <param name="recordHash">The record's chain hash (<see cref="EvidenceSignature.RecordHash"/> of the stored JSON), kept for link checks.</param>
    bool TryAdd(EvidenceRecord record, string relativePath, DateTimeOffset storedAt, string? recordHash = null);

    /// <summary>The device's stored records with this sequence (normally one; more after a device's outbox was reset).</summary>
    IReadOnlyList<ChainLink> At(string deviceId, long sequence);

    /// <summary>
    /// The device's stored records at <paramref name="sequence"/> − 1, <paramref name="sequence"/> and
    /// <paramref name="sequence"/> + 1: what the chain-link check of a record at <paramref name="sequence"/> reads.
    /// An index on a server answers it in one round trip instead of three.
    /// </summary>
    ChainNeighbours Neighbours(string deviceId, long sequence) => new(At(deviceId, sequence - 1), At(deviceId, sequence), At(deviceId, sequence + 1));

    /// <summary>Marks a stored record as breaking its device's hash chain.</summary>
    void FlagChainBreak(Guid recordId, string detail);

    /// <summary>The device's stored records flagged by <see cref="FlagChainBreak"/>, in sequence order.</summary>
    IReadOnlyList<ChainBreak> ChainBreaks(string deviceId);

    /// <summary>Highest stored sequence of a device below <paramref name="sequence"/>, or 0.</summary>
    long PreviousSequence(string deviceId, long sequence);

    /// <summary>Missing sequence ranges of a device, from 1 up to its highest stored sequence.</summary>
    IReadOnlyList<SequenceGap> Gaps(string deviceId);

    /// <summary>Stored records per device.</summary>
    IReadOnlyDictionary<string, long> CountByDevice();
}
