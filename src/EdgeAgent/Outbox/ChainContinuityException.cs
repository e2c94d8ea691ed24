namespace EdgeAgent.Outbox;

/// <summary>
/// The outbox refused a record because its <c>sequence</c> or <c>prevHash</c> does not continue the chain the
/// outbox holds (<see cref="Expected"/>): a second writer, or a writer that kept a stale head. Nothing was written;
/// the writer must read <see cref="EvidenceOutbox.ReadNextLinkAsync"/> again and re-sign.
/// </summary>
public sealed class ChainContinuityException : InvalidOperationException
{
    public ChainContinuityException(NextLink expected, long sequence, string? prevHash, string detail)
        : base($"outbox refused record #{sequence}: it does not continue the chain ({detail}); the next record must carry sequence {expected.Sequence} and prevHash {expected.PrevHash}. Nothing was stored.")
    {
        Expected = expected;
        Sequence = sequence;
        PrevHash = prevHash;
    }

    public ChainContinuityException()
    {
    }

    public ChainContinuityException(string message)
        : base(message)
    {
    }

    public ChainContinuityException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>What the outbox's chain expects next.</summary>
    public NextLink Expected { get; }

    /// <summary>The refused record's sequence.</summary>
    public long Sequence { get; }

    /// <summary>The refused record's prevHash.</summary>
    public string? PrevHash { get; }
}
