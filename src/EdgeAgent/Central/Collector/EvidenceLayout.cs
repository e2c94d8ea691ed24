using System.Globalization;
using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// Where a record and its image live in any evidence store: <c>{site}/{device}/{work order}/{sequence}-{step}-{camera}.json|.jpg</c>,
/// every segment encoded by <see cref="SafePath.Segment"/>. A clip record and its video are <c>….clip.json|.mp4</c>: an
/// encoded segment never holds a '.', so the name alone says which a stored file is. The directory store and the object store both take their
/// names from here, so a change of the segment encoding reaches both.
/// </summary>
public static class EvidenceLayout
{
    public const string RecordExtension = ".json";
    public const string ImageExtension = ".jpg";

    /// <summary>How a clip record's name ends (<see cref="EvidenceRecord.Clip"/> set).</summary>
    public const string ClipRecordExtension = ".clip.json";

    /// <summary>How a clip's video's name ends.</summary>
    public const string ClipExtension = ".mp4";

    /// <summary>The folder segments, raw from the record (callers encode them, e.g. through <see cref="SafePath.Under"/>).</summary>
    public static string[] Folder(EvidenceRecord record) => [record.SiteId, record.DeviceId, record.WorkOrder.Id];

    /// <summary>The record's file name; <paramref name="disambiguated"/> adds the record id, for a second record claiming the same sequence.</summary>
    public static string RecordName(EvidenceRecord record, bool disambiguated = false)
    {
        var stem = string.Create(CultureInfo.InvariantCulture, $"{record.Sequence:D8}-{SafePath.Segment(record.Step.Id)}-{SafePath.Segment(record.Frame.CameraId)}");
        return (disambiguated ? $"{stem}-{record.RecordId:N}" : stem) + (record.Clip is null ? RecordExtension : ClipRecordExtension);
    }

    /// <summary>The record's key relative to the store root, segments joined by '/'.</summary>
    public static string RecordKey(EvidenceRecord record, bool disambiguated = false) =>
        string.Join('/', [.. Folder(record).Select(SafePath.Segment), RecordName(record, disambiguated)]);

    /// <summary>The image key (or path) next to a record key (or path): the photo's <c>.jpg</c>, or a clip record's <c>.mp4</c>.</summary>
    public static string ImageKeyOf(string recordKey) =>
        IsClip(recordKey) ? recordKey[..^ClipRecordExtension.Length] + ClipExtension : recordKey[..^RecordExtension.Length] + ImageExtension;

    /// <summary>Whether a record key (or path) names a clip record.</summary>
    public static bool IsClip(string recordKey) => recordKey.EndsWith(ClipRecordExtension, StringComparison.Ordinal);
}
