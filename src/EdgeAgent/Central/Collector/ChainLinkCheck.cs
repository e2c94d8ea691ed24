using System.Text.Json;
using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// The hash-chain check the collector runs as each record is stored: the record's <c>prevHash</c> against the
/// stored record before it (the genesis hash for sequence 1), and, when records arrive out of order, the stored
/// record after it against this one. Only neighbours already stored are checked; a gap is checked when it fills.
/// </summary>
internal static class ChainLinkCheck
{
    /// <summary>The breaks around a just-indexed record: on the record itself and on its stored successor.</summary>
    /// <param name="neighbours">The index's <see cref="IEvidenceIndex.Neighbours"/> of the record, read after it was indexed.</param>
    public static IReadOnlyList<ChainBreak> Around(ChainNeighbours neighbours, IEvidenceStore store, EvidenceRecord record, string recordHash)
    {
        var breaks = new List<ChainBreak>();
        var previous = record.Sequence - 1;
        var previousHashes = previous == 0
            ? [EvidenceSignature.GenesisHash]
            : neighbours.Previous.Select(l => HashOf(store, l)).OfType<string>().ToList();
        if (previousHashes.Count > 0 && !previousHashes.Any(h => ChainRule.CheckLink(record, previous, h) is null))
        {
            breaks.Add(new ChainBreak(record.DeviceId, record.Sequence, record.RecordId, ChainRule.CheckLink(record, previous, previousHashes[0])!.Value.Detail));
        }

        // Every stored record at this sequence (normally just this one) may be the successor's predecessor.
        var hashesHere = neighbours.Here.Select(l => HashOf(store, l)).OfType<string>().Append(recordHash).ToHashSet(StringComparer.Ordinal);
        foreach (var next in neighbours.Next)
        {
            if (next.PrevHash is null || !hashesHere.Contains(next.PrevHash))
            {
                breaks.Add(new ChainBreak(record.DeviceId, record.Sequence + 1, next.RecordId, $"prevHash {next.PrevHash ?? "(none)"} is not the hash {recordHash} of the previous record"));
            }
        }

        return breaks;
    }

    /// <summary>The link's record hash from the index, or from its stored file for rows indexed before hashes were kept.</summary>
    private static string? HashOf(IEvidenceStore store, ChainLink link)
    {
        if (link.RecordHash is not null)
        {
            return link.RecordHash;
        }

        try
        {
            return store.Read(link.Path) is { } json ? EvidenceSignature.RecordHash(json) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
