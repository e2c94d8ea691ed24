using System.Globalization;
using EdgeAgent.Configuration;
using EdgeAgent.Protocol;

namespace EdgeAgent.Capture.Overlay;

/// <summary>What an evidence photo's overlay states: where, which step, who, what triggered it, and when.</summary>
public sealed record OverlayFields(
    string Site,
    string Point,
    string Camera,
    string WorkOrder,
    IReadOnlyDictionary<string, string> StepNames,
    string StepId,
    string? Operator,
    string Trigger,
    DateTimeOffset Time)
{
    /// <summary>For lock records: whose personal lock it is, or <c>unknown</c>; null for other triggers.</summary>
    public string? Holder { get; init; }

    /// <summary>The fields as an evidence record states them; the time is when the frame was produced (arrival in /1 records).</summary>
    public static OverlayFields From(EvidenceRecord record) => new(
        record.SiteId,
        record.PointId,
        record.Frame.CameraId,
        record.WorkOrder.Id,
        record.Step.Names,
        record.Step.Id,
        record.Trigger.Operator,
        $"{record.Trigger.Kind} {record.Trigger.Source} {record.Trigger.Input}",
        record.Frame.ProducedAt ?? record.Frame.ArrivedAt)
    {
        Holder = record.Trigger.Holder,
    };

    /// <summary>The option's line templates with the fields filled in.</summary>
    public IReadOnlyList<string> Lines(OverlayOptions options)
    {
        var zone = string.IsNullOrEmpty(options.TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var local = TimeZoneInfo.ConvertTime(Time, zone);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["site"] = Site,
            ["point"] = Point,
            ["camera"] = Camera,
            ["workOrder"] = WorkOrder,
            ["step"] = StepNames.GetValueOrDefault(options.Language) ?? StepNames.GetValueOrDefault("en") ?? StepId,
            ["operator"] = Operator ?? "-",
            ["trigger"] = Holder is null ? Trigger : $"{Trigger} · lock of {Holder}",
            ["holder"] = Holder ?? "-",
            ["local"] = local.ToString("yyyy-MM-dd HH:mm:ss.fff zzz", CultureInfo.InvariantCulture),
            ["utc"] = Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture),
        };

        return [.. options.Lines.Select(line => values.Aggregate(line, (text, field) => text.Replace("{" + field.Key + "}", field.Value, StringComparison.Ordinal)))];
    }
}
