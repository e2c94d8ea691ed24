namespace EdgeAgent.Collector;

/// <summary>
/// The collector's index of stored records, and the arbiter of "stored once": when several collectors
/// share one store, the index decides which of them stored a record first. SQLite is the embedded default;
/// PostgreSQL serves several collectors (<see cref="EvidenceIndexFactory"/> picks one from configuration).
/// </summary>
public interface IEvidenceIndex : IAsyncDisposable
{
    /// <summary>Creates the schema if it is not there yet. Safe to call from several collectors at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds the record unless its id is already indexed; true only for the one call that added it.</summary>
    Task<bool> TryAddAsync(IndexedRecord record, CancellationToken cancellationToken = default);

    /// <summary>Whether a record with this id is already indexed.</summary>
    Task<bool> ContainsAsync(Guid recordId, CancellationToken cancellationToken = default);

    /// <summary>How many records are indexed.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Records of one device (and optionally one work order) in sequence order.</summary>
    Task<IReadOnlyList<IndexedRecord>> ListAsync(string deviceId, string? workOrderId = null, CancellationToken cancellationToken = default);
}
