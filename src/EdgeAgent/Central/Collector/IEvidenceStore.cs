namespace EdgeAgent.Central.Collector;

/// <summary>
/// Where the collector puts each record and its image, and where <c>verify</c> and <c>report</c> read them back:
/// a directory tree (<see cref="EvidenceStore"/>) or an S3 bucket (<see cref="ObjectStore.S3EvidenceStore"/>).
/// Keys are relative to the store root, '/'-separated, laid out by <see cref="EvidenceLayout"/>.
/// </summary>
public interface IEvidenceStore : IDisposable
{
    /// <summary>The store's root, as a person would name it: a directory path or <c>s3://bucket/prefix</c>.</summary>
    string Location { get; }

    /// <summary>True when objects carry a retention date that <see cref="Retention"/> can read.</summary>
    bool SupportsRetention { get; }

    /// <summary>Checks once, at start, that the store can keep its promises (the bucket exists and has Object Lock when retention is asked for); throws <see cref="StoreCheckException"/> saying what is wrong.</summary>
    Task CheckAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the pair durably, the image first and the record last (a record's presence means its pair is complete);
    /// storing the same record again changes nothing. Returns the record's key.
    /// </summary>
    string Store(Protocol.EvidenceRecord record, byte[] recordJson, byte[] image);

    /// <summary>Every stored record with its image key (the image may be missing).</summary>
    IEnumerable<StoredPair> List();

    /// <summary>The bytes stored under a key, or null when there is no such object.</summary>
    byte[]? Read(string key);

    /// <summary>The object's write-once retention, or null when it has none.</summary>
    StoredRetention? Retention(string key);
}
