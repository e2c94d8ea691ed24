namespace EdgeAgent.Central.Collector;

/// <summary>
/// Thrown by <see cref="IGroupCommitStore.CommitBatch"/> when a record of the batch found its key held by another
/// record (a device whose outbox was reset reuses sequence numbers). Nothing is wrong with the store: the batch is not
/// acknowledged, and the redelivered record is stored beside the other one.
/// </summary>
public sealed class KeyHeldException : IOException
{
    public KeyHeldException()
    {
    }

    public KeyHeldException(string message)
        : base(message)
    {
    }

    public KeyHeldException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KeyHeldException(string key, Guid recordId)
        : base($"{key} already holds another record than {recordId} (a device whose outbox was reset); the batch is redelivered and this record stored beside it")
    {
        Key = key;
        RecordId = recordId;
    }

    /// <summary>The record key found held.</summary>
    public string Key { get; } = "";

    /// <summary>The record that claimed it.</summary>
    public Guid RecordId { get; }
}
