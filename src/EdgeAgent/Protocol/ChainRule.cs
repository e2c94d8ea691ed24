namespace EdgeAgent.Protocol;

/// <summary>
/// The hash-chain rule of docs/protocol.md, which the collector applies as records arrive and the verifier
/// applies to a whole store: record <c>n</c> follows record <c>n-1</c> without a gap, and its <c>prevHash</c> is
/// <see cref="EvidenceSignature.RecordHash"/> of that record (<see cref="EvidenceSignature.GenesisHash"/> for sequence 1).
/// </summary>
public static class ChainRule
{
    /// <summary>The check that fails when the sequence does not follow (<c>sequence</c> in verification reports).</summary>
    public const string SequenceCheck = "sequence";

    /// <summary>The check that fails when <c>prevHash</c> does not match (<c>prev-hash</c> in verification reports).</summary>
    public const string PrevHashCheck = "prev-hash";

    /// <summary>Checks that <paramref name="record"/> follows a record with sequence <paramref name="previousSequence"/>
    /// (0: none) and hash <paramref name="previousHash"/>; returns the failing check and why, or null.</summary>
    public static (string Check, string Detail)? CheckLink(EvidenceRecord record, long previousSequence, string previousHash)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Sequence != previousSequence + 1)
        {
            return (SequenceCheck, record.Sequence > previousSequence + 1
                ? $"sequence {record.Sequence} follows {previousSequence}: {Missing(previousSequence + 1, record.Sequence - 1)} missing"
                : $"sequence {record.Sequence} follows {previousSequence}: repeated or moved back");
        }

        return record.PrevHash == previousHash
            ? null
            : (PrevHashCheck, $"prevHash {record.PrevHash ?? "(none)"} is not the hash {previousHash} of the previous record");
    }

    private static string Missing(long from, long to) => from == to ? $"record {from} is" : $"records {from}-{to} are";
}
