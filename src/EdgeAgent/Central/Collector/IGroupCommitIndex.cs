namespace EdgeAgent.Central.Collector;

/// <summary>
/// An index that can make a batch of records durable at once (group commit): every write between
/// <see cref="BeginBatch"/> and <see cref="CommitBatch"/> goes into one transaction, and reads on the index see the
/// batch's own rows. <see cref="CollectorIndex"/> (SQLite) and <see cref="PostgresEvidenceIndex"/> implement it.
/// </summary>
public interface IGroupCommitIndex
{
    /// <summary>Opens the batch's transaction (nothing when one is open).</summary>
    void BeginBatch();

    /// <summary>Commits the open batch durably; nothing when no batch is open.</summary>
    void CommitBatch();

    /// <summary>Forgets the open batch (its messages are redelivered).</summary>
    void RollbackBatch();
}
