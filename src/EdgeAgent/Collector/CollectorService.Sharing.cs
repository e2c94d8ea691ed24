using EdgeAgent.Evidence;

namespace EdgeAgent.Collector;

/// <summary>
/// Running several collectors side by side: a shared subscription splits the records between them, and
/// the index (PostgreSQL when they share a store) decides which one stored a record first.
/// </summary>
public sealed partial class CollectorService
{
    /// <summary>
    /// Records go to one member of the group. Images do not: a broker may hand a record and its chunks to
    /// different members, so every member receives every chunk and the one that gets the record assembles it
    /// (the others' copies age out of the bounded <see cref="ChunkAssembler"/>).
    /// </summary>
    private string Shared(string topicFilter) =>
        string.IsNullOrEmpty(options.SubscriptionGroup) ? topicFilter : $"$share/{options.SubscriptionGroup}/{topicFilter}";

    /// <summary>
    /// Writes the files, then lets the index (when there is one) say whether this is the first time. A record id
    /// the index already holds writes nothing, so a replay with altered fields cannot leave stray files. Files
    /// first, index row second: a crash in between leaves files that the redelivery indexes, never a row without files.
    /// </summary>
    private async Task<bool> StoreOnceAsync(EvidenceRecord record, byte[] json, byte[] image)
    {
        if (options.Index is { } index && await index.ContainsAsync(record.RecordId))
        {
            return false;
        }

        var fresh = Store.Store(record, json, image);
        return options.Index is null
            ? fresh
            : await options.Index.TryAddAsync(IndexedRecord.From(record, options.ClientId, options.TimeProvider.GetUtcNow()));
    }
}
