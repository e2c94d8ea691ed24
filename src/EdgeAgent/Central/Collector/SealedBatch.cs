using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// A group-commit batch closed by <see cref="EvidenceIntake.SealBatch"/> and not yet durable: its files, its index rows,
/// the staged images to discard and the records to announce once <see cref="EvidenceIntake.CommitSealed"/> made it durable.
/// </summary>
public sealed record SealedBatch(
    EvidenceStore.SealedFiles Files,
    PipelinedIndex.SealedRows Rows,
    IReadOnlyList<(string DeviceId, Guid RecordId)> Discards,
    IReadOnlyList<EvidenceRecord> Stored);
