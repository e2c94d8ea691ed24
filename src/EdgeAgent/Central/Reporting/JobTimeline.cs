using System.Globalization;
using System.Text;

namespace EdgeAgent.Central.Reporting;

/// <summary>
/// A job drawn on one time axis as inline SVG (no script, prints and travels with the page): the steps, the lock
/// edges, every photo by role (pre-trigger, at, after), the findings and whether the device clock could be trusted;
/// below it, each trigger's photos by their offset from it, where a few hundred milliseconds become visible.
/// </summary>
public static class JobTimeline
{
    private const int Width = 1100;
    private const int Left = 150;
    private const int Right = 30;
    private const int LaneHeight = 34;
    private const int OffsetRowHeight = 20;

    private static readonly string[] Lanes = ["timeline.steps", "timeline.edges", "timeline.photos", "timeline.findings", "timeline.clock"];

    public static string Render(JobReport job)
    {
        var entries = job.Entries;
        if (entries.Count == 0)
        {
            return "";
        }

        var times = entries.Select(e => e.Record.Trigger.EdgeTime).Concat(entries.Select(e => e.Timing.ProducedAt).OfType<DateTimeOffset>()).ToList();
        var start = times.Min();
        var span = Math.Max(1.0, (times.Max() - start).TotalMilliseconds);
        double X(DateTimeOffset t) => Left + ((t - start).TotalMilliseconds / span * (Width - Left - Right));

        var triggers = entries.GroupBy(e => (e.Record.Trigger.EdgeTime, e.Record.Trigger.Input, e.Record.Step.Id)).ToList();
        var top = 24;
        var offsetsTop = top + (Lanes.Length * LaneHeight) + 50;
        var height = offsetsTop + 30 + (triggers.Count * OffsetRowHeight) + 30;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<figure class=\"job-timeline\"><svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {height}\" width=\"100%\" role=\"img\" data-photos=\"{entries.Count}\">\n");
        svg.Append("<style>text{font:12px system-ui,\"Noto Sans CJK SC\",sans-serif;fill:#1d2330}.lane{stroke:#d0d5dd}.pre{fill:#2f6fde}.at{fill:#1b7f3b}.post{fill:#8a94a3}.on{fill:#1b7f3b}.off{fill:#a15c00}.finding{fill:#b3261e}.trusted{fill:#cfe8d6}.untrusted{fill:#f6d7a7}.unstated{fill:#e4e7ec}.zero{stroke:#1d2330;stroke-dasharray:3 3}</style>\n");

        for (var i = 0; i < Lanes.Length; i++)
        {
            var y = top + (i * LaneHeight) + (LaneHeight / 2);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"lane\" x1=\"{Left}\" y1=\"{y}\" x2=\"{Width - Right}\" y2=\"{y}\"/>");
            svg.Append(Label(10, y - 2, ReportMessage.Of(Lanes[i])));
        }

        double Lane(int i) => top + (i * LaneHeight) + (LaneHeight / 2);
        foreach (var step in entries.Where(e => e.Record.Step.Advanced).GroupBy(e => e.Record.Step.Index).Select(g => g.First()))
        {
            var x = X(step.Record.Trigger.EdgeTime);
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"step\" data-timeline-step=\"{Html.Encode(step.Record.Step.Id)}\"><title>{Html.Encode(Names(step))}</title><circle cx=\"{x:0.#}\" cy=\"{Lane(0):0.#}\" r=\"9\" fill=\"#1d2330\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{Lane(0) + 4:0.#}\" text-anchor=\"middle\" style=\"fill:#fff\">{step.Record.Step.Index + 1}</text></g>");
        }

        foreach (var edge in entries.Where(e => e.Record.Trigger.Kind is "LockOn" or "LockOff").GroupBy(e => (e.Record.Trigger.EdgeTime, e.Record.Trigger.Input)).Select(g => g.First()))
        {
            var x = X(edge.Record.Trigger.EdgeTime);
            var y = Lane(1);
            var on = edge.Record.Trigger.Kind == "LockOn";
            var points = on ? $"{x - 7:0.#},{y + 6:0.#} {x + 7:0.#},{y + 6:0.#} {x:0.#},{y - 7:0.#}" : $"{x - 7:0.#},{y - 6:0.#} {x + 7:0.#},{y - 6:0.#} {x:0.#},{y + 7:0.#}";
            svg.Append(CultureInfo.InvariantCulture, $"<polygon class=\"{(on ? "on" : "off")}\" points=\"{points}\"><title>{Html.Encode(Html.Plain(ReportMessage.Of("trigger." + edge.Record.Trigger.Kind), " / "))} · {Html.Encode(edge.Record.Trigger.Input)} · {Html.Time(edge.Record.Trigger.EdgeTime)}</title></polygon>");
        }

        foreach (var entry in entries)
        {
            var x = X(entry.Timing.ProducedAt ?? entry.Record.Trigger.EdgeTime);
            svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"photo {Role(entry.Timing.Role)}\" data-role=\"{Role(entry.Timing.Role)}\" data-sequence=\"{entry.Record.Sequence}\" cx=\"{x:0.#}\" cy=\"{Lane(2):0.#}\" r=\"5\"><title>{Html.Encode(PhotoTitle(entry))}</title></circle>");
        }

        foreach (var finding in job.Findings.Where(f => f.Sequence is not null))
        {
            var at = entries.FirstOrDefault(e => e.Record.Sequence == finding.Sequence)?.Record.Trigger.EdgeTime;
            if (at is { } time)
            {
                var (x, y) = (X(time), Lane(3));
                svg.Append(CultureInfo.InvariantCulture, $"<polygon class=\"finding\" points=\"{x:0.#},{y - 7:0.#} {x + 7:0.#},{y:0.#} {x:0.#},{y + 7:0.#} {x - 7:0.#},{y:0.#}\"><title>{Html.Encode(Html.Plain(ReportMessage.Of(Html.KindKey(finding.Kind)), " / "))}: {Html.Encode(finding.Text)}</title></polygon>");
            }
        }

        // Clock trust from each record until the next: green where its clock stamp says synchronised, amber where it
        // raises a doubt, grey where the record carries no clock stamp (older devices).
        for (var i = 0; i < entries.Count; i++)
        {
            var from = X(entries[i].Record.Trigger.EdgeTime);
            var to = i + 1 < entries.Count ? X(entries[i + 1].Record.Trigger.EdgeTime) : Width - Right;
            var (trust, key) = entries[i].ClockProblem is not null ? ("untrusted", "timeline.untrusted")
                : entries[i].Facts.ClockStated ? ("trusted", "timeline.trusted")
                : ("unstated", "clock.not-stated");
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"{trust}\" x=\"{from:0.#}\" y=\"{Lane(4) - 6:0.#}\" width=\"{Math.Max(2, to - from):0.#}\" height=\"12\"><title>{Html.Encode(Html.Plain(ReportMessage.Of(key), " / "))}</title></rect>");
        }

        var axis = top + (Lanes.Length * LaneHeight) + 8;
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{axis + 6}\">{Html.Time(start)}</text><text x=\"{Width - Right}\" y=\"{axis + 6}\" text-anchor=\"end\">{Html.Time(start.AddMilliseconds(span))}</text>\n");
        AppendOffsets(svg, triggers, offsetsTop);
        svg.Append("</svg><figcaption>").Append(Html.T("timeline.caption")).Append("</figcaption></figure>\n");
        return svg.ToString();
    }

    /// <summary>Each trigger a row; its photos placed by offset, the trigger at the dashed line.</summary>
    private static void AppendOffsets(StringBuilder svg, List<IGrouping<(DateTimeOffset EdgeTime, string Input, string Id), ReportEntry>> triggers, int top)
    {
        var reach = Math.Max(100, triggers.SelectMany(t => t).Max(e => Math.Abs(e.Timing.OffsetMs)) * 1.1);
        var zero = Left + ((Width - Left - Right) / 2.0);
        double X(double offset) => zero + (offset / reach * ((Width - Left - Right) / 2.0));
        svg.Append(Label(10, top - 12, ReportMessage.Of("timeline.offsets")));
        var bottom = top + 16 + (triggers.Count * OffsetRowHeight);
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"zero\" x1=\"{zero:0.#}\" y1=\"{top + 8}\" x2=\"{zero:0.#}\" y2=\"{bottom}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(-reach):0.#}\" y=\"{bottom + 14}\">{-reach:0} ms</text><text x=\"{zero:0.#}\" y=\"{bottom + 14}\" text-anchor=\"middle\">0</text><text x=\"{X(reach):0.#}\" y=\"{bottom + 14}\" text-anchor=\"end\">+{reach:0} ms</text>\n");
        for (var row = 0; row < triggers.Count; row++)
        {
            var y = top + 20 + (row * OffsetRowHeight);
            var first = triggers[row].First();
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{y + 4}\" text-anchor=\"end\">{first.Record.Step.Index + 1} · {Html.Encode(first.Record.Step.Id)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"lane\" x1=\"{Left}\" y1=\"{y}\" x2=\"{Width - Right}\" y2=\"{y}\"/>");
            foreach (var entry in triggers[row])
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"offset {Role(entry.Timing.Role)}\" data-role=\"{Role(entry.Timing.Role)}\" data-offset-ms=\"{entry.Timing.OffsetMs:0}\" cx=\"{X(entry.Timing.OffsetMs):0.#}\" cy=\"{y}\" r=\"5\"><title>{Html.Encode(PhotoTitle(entry))}</title></circle>");
            }
        }
    }

    /// <summary>A lane label, one line per language; the language switch hides all but the chosen one.</summary>
    private static string Label(int x, double y, ReportMessage message)
    {
        var svg = new StringBuilder();
        var line = 0;
        foreach (var language in ReportText.Languages)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text lang=\"{language}\" x=\"{x}\" y=\"{y + (line++ * 13):0.#}\">{Html.Encode(message.Render(language))}</text>");
        }

        return svg.Append('\n').ToString();
    }

    private static string PhotoTitle(ReportEntry entry) =>
        Html.Plain(ReportMessage.Of("timeline.photo", ("sequence", entry.Record.Sequence), ("role", ReportMessage.Of(RoleKey(entry.Timing.Role))), ("offset", Offset(entry.Timing.OffsetMs))), " / ");

    private static string Names(ReportEntry entry) => string.Join(" / ", entry.Record.Step.Names.Values.Prepend(entry.Record.Step.Id).Distinct(StringComparer.Ordinal));

    public static string Role(PhotoRole role) => role.ToString().ToLowerInvariant();

    public static string RoleKey(PhotoRole role) => "role." + Role(role);

    public static string Offset(double ms) => ms.ToString("+0;-0;0", CultureInfo.InvariantCulture);
}
