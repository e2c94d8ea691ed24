namespace EdgeAgent.Central.Reporting;

/// <summary>When one photo was taken against its trigger, and its role there.</summary>
public sealed record PhotoTiming(PhotoRole Role, double OffsetMs, DateTimeOffset? ProducedAt, string Basis, double? LateMs)
{
    /// <summary>
    /// Each record's timing: the role it states, or for records without one (schema /1), per trigger (edge time,
    /// input) and camera in sequence order: a negative offset is pre-trigger, the first non-negative one is the
    /// photo at the trigger, later ones are after it.
    /// </summary>
    public static IReadOnlyList<PhotoTiming> AssignRoles(IReadOnlyList<(Protocol.EvidenceRecord Record, RecordFacts Facts)> records)
    {
        var timings = new PhotoTiming[records.Count];
        var seenAt = new HashSet<(DateTimeOffset, string, string)>();
        foreach (var index in Enumerable.Range(0, records.Count).OrderBy(i => records[i].Record.Sequence))
        {
            var (record, facts) = records[index];
            var role = facts.StatedRole ?? (facts.OffsetMs < 0 ? PhotoRole.Pre
                : seenAt.Add((record.Trigger.EdgeTime, record.Trigger.Input, record.Frame.CameraId)) ? PhotoRole.At
                : PhotoRole.Post);
            timings[index] = new PhotoTiming(role, facts.OffsetMs, facts.ProducedAt, facts.Basis, facts.LateMs);
        }

        return timings;
    }
}
