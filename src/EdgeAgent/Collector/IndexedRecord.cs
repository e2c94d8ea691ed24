using System.Globalization;
using EdgeAgent.Evidence;

namespace EdgeAgent.Collector;

/// <summary>One row of the evidence index: where a record lives and who stored it.</summary>
/// <param name="Path">The record's JSON file relative to the store root (the image is beside it, <c>.jpg</c>).</param>
/// <param name="StoredBy">Client id of the collector that stored it.</param>
public sealed record IndexedRecord(
    Guid RecordId,
    string DeviceId,
    long Sequence,
    string SiteId,
    string PointId,
    string WorkOrderId,
    string StepId,
    string CameraId,
    DateTimeOffset CreatedAt,
    string Sha256,
    string Path,
    string StoredBy,
    DateTimeOffset StoredAt)
{
    public static IndexedRecord From(EvidenceRecord record, string storedBy, DateTimeOffset storedAt) => new(
        record.RecordId,
        record.DeviceId,
        record.Sequence,
        record.SiteId,
        record.PointId,
        record.WorkOrder.Id,
        record.Step.Id,
        record.Frame.CameraId,
        record.CreatedAt,
        record.Image.Sha256,
        RelativePath(record),
        storedBy,
        storedAt);

    /// <summary>The path <see cref="EvidenceStore"/> gives the record, relative to the root, with '/' separators.</summary>
    public static string RelativePath(EvidenceRecord record) => string.Join('/',
        SafePath.Segment(record.SiteId),
        SafePath.Segment(record.DeviceId),
        SafePath.Segment(record.WorkOrder.Id),
        string.Create(CultureInfo.InvariantCulture, $"{record.Sequence:D8}-{SafePath.Segment(record.Step.Id)}-{SafePath.Segment(record.Frame.CameraId)}.json"));
}
