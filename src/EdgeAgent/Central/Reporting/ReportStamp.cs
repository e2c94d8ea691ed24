using System.Globalization;
using EdgeAgent.Capture;
using EdgeAgent.Capture.Overlay;
using EdgeAgent.Configuration;
using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Reporting;

/// <summary>
/// The stamp the report burns into a copy of each photo, from the record's own fields only (so anyone holding the
/// record and the original can draw it again), with the device's overlay renderer: where, which work order, the
/// step in every language, who and whose lock, the trigger, when the photo was taken against the trigger, and
/// whether the device clock could be trusted. The original is never changed: it is what was hashed and signed.
/// </summary>
public static class ReportStamp
{
    public const int JpegQuality = 90;

    /// <summary>The device's overlay look (font with CJK fallback, dimmed band at the bottom).</summary>
    public static OverlayOptions Options { get; } = new() { Position = "bottom", TextHeight = 0.028 };

    public static IReadOnlyList<string> Lines(EvidenceRecord record, RecordFacts facts, PhotoTiming timing)
    {
        var names = record.Step.Names.OrderBy(n => n.Key == ReportText.Fallback ? "" : n.Key, StringComparer.Ordinal).Select(n => n.Value).Distinct(StringComparer.Ordinal).ToList();
        var clock = facts.ClockProblem?.Text ?? (facts.ClockStated ? "clock synchronised" : "clock not stated");
        return
        [
            $"{record.SiteId} · {record.PointId} · {record.WorkOrder.Id} · {record.Frame.CameraId} · #{record.Sequence}",
            $"{record.Step.Index + 1}. {(names.Count > 0 ? string.Join(" · ", names) : record.Step.Id)}",
            $"{record.Trigger.Operator ?? "-"} · holder {facts.Holder ?? "unknown"} · {record.Trigger.Kind} {record.Trigger.Source}/{record.Trigger.Input}",
            Invariant($"photo {Utc(timing.ProducedAt)} ({timing.Basis}) · {timing.OffsetMs:+0;-0;0} ms, {ReportText.Format(ReportText.Fallback, JobTimeline.RoleKey(timing.Role))}{(timing.LateMs is { } late ? $" · late {late:0} ms" : "")}"),
            $"trigger {Utc(record.Trigger.EdgeTime)} · {clock}",
        ];
    }

    /// <summary>The stamped copy of <paramref name="original"/>.</summary>
    public static RawFrame Render(RawFrame original, EvidenceRecord record, RecordFacts facts, PhotoTiming timing) =>
        OverlayRenderer.Render(original, Lines(record, facts, timing), Options);

    private static string Utc(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture) : "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
