namespace EdgeAgent.Central.Collector;

/// <summary>
/// An evidence store that keeps every version of a key (an S3 bucket with versioning, which Object Lock turns on):
/// a later write or a delete stacks on top of the collector's write instead of replacing it.
/// </summary>
public interface IVersionedStore
{
    /// <summary>
    /// Reads each key as the collector wrote it (its oldest version, beneath any later version or delete marker)
    /// instead of as it is now; <see cref="IEvidenceStore.List"/> then includes records hidden by a delete marker.
    /// </summary>
    bool AsWritten { get; }

    /// <summary>Evidence keys (records and images) with anything on top of the collector's write (<see cref="ObjectHistory.Changed"/>), in key order.</summary>
    IEnumerable<ObjectHistory> Rewritten();
}
