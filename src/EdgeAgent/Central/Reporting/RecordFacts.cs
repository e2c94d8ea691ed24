using System.Globalization;
using System.Text.Json;

namespace EdgeAgent.Central.Reporting;

/// <summary>
/// What the report reads from a record's own JSON rather than from <see cref="Protocol.EvidenceRecord"/>, so that
/// it shows every record version the same way. Schema <c>edgeagent.evidence/2</c> states the photo's timing
/// (<c>frame.producedAt</c>, <c>producedBasis</c>, <c>offsetMs</c>, <c>role</c>, <c>late.delayMs</c>) and the lock's
/// holder (<c>trigger.holder</c>); <c>/1</c> has only <c>frame.ageMs</c> (arrival minus trigger), from which the
/// offset is taken and the role is worked out per trigger (<see cref="PhotoTiming.AssignRoles"/>).
/// </summary>
public sealed record RecordFacts
{
    public string? Holder { get; init; }

    /// <summary>Photo time minus trigger edge, in ms (negative: before the trigger).</summary>
    public double OffsetMs { get; init; }

    /// <summary>When the photo was taken, as well as the device knows it.</summary>
    public DateTimeOffset? ProducedAt { get; init; }

    /// <summary>How <see cref="ProducedAt"/> was found: <c>camera-clock</c>, <c>measured-latency</c>, <c>configured-latency</c> or <c>arrival</c>.</summary>
    public string Basis { get; init; } = "arrival";

    /// <summary>The role the record states; null for records that predate roles.</summary>
    public PhotoRole? StatedRole { get; init; }

    /// <summary>How late the frame reached the device, when the record says it was late.</summary>
    public double? LateMs { get; init; }

    /// <summary>Why the record's clock stamp says its times are not trustworthy; null when nothing says so.</summary>
    public ReportMessage? ClockProblem { get; init; }

    /// <summary>Whether the record carries a clock stamp at all.</summary>
    public bool ClockStated { get; init; }

    public static RecordFacts Read(ReadOnlySpan<byte> recordJson)
    {
        try
        {
            using var document = JsonDocument.Parse(recordJson.ToArray());
            var root = document.RootElement;
            var facts = new RecordFacts();
            if (Object(root, "trigger") is { } trigger && String(trigger, "holder") is { } holder)
            {
                facts = facts with { Holder = holder };
            }

            if (Object(root, "frame") is { } frame)
            {
                var produced = String(frame, "producedAt") ?? String(frame, "arrivedAt");
                facts = facts with
                {
                    OffsetMs = Number(frame, "offsetMs") ?? Number(frame, "ageMs") ?? 0,
                    ProducedAt = produced is not null && DateTimeOffset.TryParse(produced, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null,
                    Basis = String(frame, "producedBasis") ?? "arrival",
                    StatedRole = String(frame, "role") switch { "pre" => PhotoRole.Pre, "at" => PhotoRole.At, "post" => PhotoRole.Post, _ => null },
                    LateMs = Object(frame, "late") is { } late ? Number(late, "delayMs") : null,
                };
            }

            return facts with { ClockStated = Object(root, "clock") is not null, ClockProblem = Clock(Object(root, "clock")) };
        }
        catch (JsonException)
        {
            return new RecordFacts();
        }
    }

    private static ReportMessage? Clock(JsonElement? clock)
    {
        if (clock is not { } stamp)
        {
            return null;
        }

        if (Number(stamp, "jumpMs") is { } jump)
        {
            return ReportMessage.Of("clock.jumped", ("ms", (long)jump));
        }

        return stamp.TryGetProperty("synchronized", out var synced) && synced.ValueKind == JsonValueKind.False ? ReportMessage.Of("clock.unsynchronised") : null;
    }

    private static JsonElement? Object(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
