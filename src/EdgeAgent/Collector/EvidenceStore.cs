using System.Globalization;
using EdgeAgent.Evidence;
using EdgeAgent.Platform;

namespace EdgeAgent.Collector;

/// <summary>
/// The collector's disk layout: <c>{root}/{site}/{device}/{work order}/{sequence}-{step}-{camera}.jpg|.json</c>.
/// Writes are atomic (temp file, fsync, rename) and idempotent by record id.
/// </summary>
public sealed class EvidenceStore(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Stores the pair; returns false when this record was already stored (a duplicate delivery).</summary>
    public bool Store(EvidenceRecord record, byte[] recordJson, byte[] image)
    {
        var directory = SafePath.Under(Root, record.SiteId, record.DeviceId, record.WorkOrder.Id);
        var stem = string.Create(CultureInfo.InvariantCulture, $"{record.Sequence:D8}-{SafePath.Segment(record.Step.Id)}-{SafePath.Segment(record.Frame.CameraId)}");
        var jsonPath = Path.Combine(directory, stem + ".json");
        if (File.Exists(jsonPath))
        {
            return false;
        }

        Directory.CreateDirectory(directory);
        DurableFile.Write(Path.Combine(directory, stem + ".jpg"), image);
        DurableFile.Write(jsonPath, recordJson); // the record last: its presence means the pair is complete
        return true;
    }

    /// <summary>Every stored record with its image path.</summary>
    public IEnumerable<(string JsonPath, string ImagePath)> Enumerate() =>
        Directory.Exists(Root)
            ? Directory.EnumerateFiles(Root, "*.json", SearchOption.AllDirectories)
                .Where(p => !p.EndsWith(".tmp", StringComparison.Ordinal) && Path.GetFileName(Path.GetDirectoryName(p)) is not "reports")
                .Select(p => (p, Path.ChangeExtension(p, ".jpg")))
            : [];
}
