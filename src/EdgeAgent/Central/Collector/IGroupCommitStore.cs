namespace EdgeAgent.Central.Collector;

/// <summary>
/// A store that can make a batch of pairs durable at once (group commit): pairs stored between <see cref="BeginBatch"/>
/// and <see cref="CommitBatch"/> may not be durable before <see cref="CommitBatch"/> returns, and nothing of the batch
/// may be acknowledged before then. The directory store syncs once per batch; the bucket store sends the batch's PUTs
/// concurrently and waits for all of them.
/// </summary>
public interface IGroupCommitStore
{
    void BeginBatch();

    /// <summary>Makes every pair of the batch durable; throws when any could not be (then none of the batch may be acknowledged).</summary>
    /// <exception cref="KeyHeldException">A record found its key held by another record; redelivered, it is stored beside it.</exception>
    void CommitBatch();

    /// <summary>Forgets the batch; its messages are redelivered and stored again (idempotently).</summary>
    void AbortBatch();
}
