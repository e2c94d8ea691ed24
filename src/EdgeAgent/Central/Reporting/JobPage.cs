using System.Globalization;
using System.Text;

namespace EdgeAgent.Central.Reporting;

/// <summary>One work order: its timeline drawn, its findings, then each record with its stamped photo, who and when, and verification.</summary>
public static class JobPage
{
    public static string Render(JobReport job, DateTimeOffset generatedAt)
    {
        var html = new StringBuilder(Html.Head($"{job.WorkOrderId} · {job.PointId} · EdgeAgent"));
        html.Append("<body class=\"job\">\n<header><a href=\"").Append(ReportGenerator.IndexFile).Append("\">← ").Append(Html.T("page.all-jobs")).Append("</a>")
            .Append(Html.LanguageSwitch).Append("</header>\n<main>\n");
        html.Append("<h1>").Append(Html.T("job.heading")).Append(" <code>").Append(Html.Encode(job.WorkOrderId)).Append("</code></h1>\n");
        html.Append("<dl class=\"meta\">")
            .Append(Row("job.site", Code(job.SiteId)))
            .Append(Row("job.point", Code(job.PointId)))
            .Append(Row("job.device", Code(job.DeviceId)))
            .Append(Row("job.procedure", Code(job.ProcedureId)))
            .Append(Row("job.started", Html.Time(job.StartedAt)))
            .Append(Row("job.last-step", Html.Time(job.EndedAt)))
            .Append(Row("job.status", $"<span class=\"badge status-{job.Status.ToString().ToLowerInvariant()}\" id=\"job-status\">{Html.Status(job.Status)}</span>"))
            .Append("</dl>\n");

        html.Append("<section class=\"timeline-chart\"><h2>").Append(Html.T("job.timeline")).Append("</h2>\n").Append(JobTimeline.Render(job)).Append("</section>\n");

        html.Append("<section class=\"findings\"><h2>").Append(Html.T("job.findings")).Append("</h2>\n");
        if (job.Findings.Count == 0)
        {
            html.Append("<p class=\"none\">").Append(Html.T("job.no-findings")).Append("</p>\n");
        }
        else
        {
            html.Append("<ul>\n");
            foreach (var finding in job.Findings)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li class=\"finding kind-{finding.Kind.ToString().ToLowerInvariant()}\"><span class=\"kind\">{Html.Kind(finding.Kind)}</span> {Html.T(finding.Message)}");
                if (finding.Sequence is { } sequence)
                {
                    html.Append(CultureInfo.InvariantCulture, $" <a href=\"#rec-{sequence}\">#{sequence}</a>");
                }

                html.Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("</section>\n<section><h2>").Append(Html.T("job.records")).Append("</h2>\n<ol class=\"timeline\">\n");
        foreach (var entry in job.Entries)
        {
            AppendEntry(html, entry);
        }

        html.Append("</ol>\n</section>\n<p class=\"export\"><a href=\"").Append(ReportGenerator.JsonFile).Append("\">")
            .Append(Html.T("page.json")).Append("</a></p>\n</main>\n");
        return html.Append(Html.Tail(generatedAt)).ToString();
    }

    private static void AppendEntry(StringBuilder html, ReportEntry entry)
    {
        var record = entry.Record;
        var timing = entry.Timing;
        var verification = entry.Check.Status.ToString().ToLowerInvariant();
        var role = JobTimeline.Role(timing.Role);
        html.Append(CultureInfo.InvariantCulture,
            $"<li class=\"step verification-{verification}{(record.Step.Advanced ? "" : " repeat")} role-{role}\" id=\"rec-{record.Sequence}\" data-step=\"{Html.Encode(record.Step.Id)}\" data-sequence=\"{record.Sequence}\" data-verification=\"{verification}\" data-role=\"{role}\">\n");
        html.Append("<div class=\"photo\">");
        if (record.Clip is { } clip)
        {
            AppendClip(html, entry, clip);
        }
        else if (entry.Thumbnail is not null && entry.Stamped is not null)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<a href=\"{Html.Encode(entry.Stamped)}\" class=\"stamped\"><img src=\"{Html.Encode(entry.Thumbnail)}\" alt=\"{Html.Encode(record.Step.Id)} / {Html.Encode(record.Frame.CameraId)}\" width=\"{Thumbnailer.Width}\" data-thumb></a>");
        }
        else
        {
            html.Append("<div class=\"no-image\">").Append(Html.T("record.no-image")).Append("</div>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<div class=\"stamp\">");
        if (record.Clip is null)
        {
            html.Append(CultureInfo.InvariantCulture,
            $"<span class=\"badge role role-{role}\">{Html.T(JobTimeline.RoleKey(timing.Role))}</span> {Html.T("record.offset", ("offset", JobTimeline.Offset(timing.OffsetMs)))}");
        }
        else
        {
            html.Append("<span class=\"badge role role-clip\">").Append(Html.T("record.clip")).Append("</span>");
        }

        if (timing.LateMs is { } late)
        {
            html.Append(" · <span class=\"late\">").Append(Html.T("record.late", ("ms", Math.Round(late)))).Append("</span>");
        }

        html.Append(CultureInfo.InvariantCulture,
            $"<br>#{record.Sequence} · <code>{Html.Encode(record.Frame.CameraId)}</code> · {record.Frame.Width}×{record.Frame.Height} · {Html.T("record.frame", ("number", record.Frame.Sequence))}<br><code title=\"SHA-256\">{Html.Encode(record.Image.Sha256[..Math.Min(16, record.Image.Sha256.Length)])}…</code>");
        if (entry.Original is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<br><a href=\"{Html.Encode(entry.Original)}\" class=\"original\">{Html.T("record.original")}</a>");
        }

        html.Append("</div></div>\n");

        html.Append("<div class=\"body\"><h3>").Append(CultureInfo.InvariantCulture, $"<span class=\"step-no\">{record.Step.Index + 1}</span> ")
            .Append(Html.Names(record.Step.Names, record.Step.Id))
            .Append(CultureInfo.InvariantCulture, $" <code>{Html.Encode(record.Step.Id)}</code>");
        if (!record.Step.Advanced)
        {
            html.Append(" <span class=\"badge repeat\">").Append(Html.T("record.did-not-advance")).Append("</span>");
        }

        var who = record.Trigger.Operator is { } op ? Code(op) : "—";
        var holder = entry.Facts.Holder is { } h && h != "unknown" ? Code(h) : Html.T("record.unknown");
        html.Append("</h3>\n<dl>")
            .Append(Row("record.who", who))
            .Append(Row("record.holder", holder))
            .Append(Row("record.when", Html.Time(record.Trigger.EdgeTime)))
            .Append(Row("record.trigger", $"{Html.T("trigger." + (ReportText.Table(ReportText.Fallback).ContainsKey("trigger." + record.Trigger.Kind) ? record.Trigger.Kind : "Manual"))} · <code>{Html.Encode(record.Trigger.Source)}/{Html.Encode(record.Trigger.Input)}</code>"))
            .Append(Row("record.photo-time", $"{Html.Time(timing.ProducedAt)} ({Html.T(BasisKey(timing.Basis))})"))
            .Append(Row("record.recorded", Html.Time(record.CreatedAt)))
            .Append(Row("record.clock", entry.ClockProblem is { } clock ? $"<span class=\"clock-doubt\">{Html.T(clock)}</span>" : Html.T(entry.Facts.ClockStated ? "clock.trusted" : "clock.not-stated")))
            .Append(Row("record.verification", Verification(entry.Check)))
            .Append("</dl>\n");
        var notes = record.Findings.Select(VerifierText.DeviceFinding).Append(entry.ImageProblem).OfType<ReportMessage>().ToList();
        if (notes.Count > 0)
        {
            html.Append("<ul class=\"record-findings\">");
            foreach (var note in notes)
            {
                html.Append("<li>").Append(Html.T(note)).Append("</li>");
            }

            html.Append("</ul>\n");
        }

        html.Append("</div>\n</li>\n");
    }

    /// <summary>
    /// A clip record's video, played in place; its span against the trigger beside it. A printed page (PDF) cannot
    /// play it, so print shows a notice naming the file instead (report.css).
    /// </summary>
    private static void AppendClip(StringBuilder html, ReportEntry entry, Protocol.ClipStamp clip)
    {
        var edge = entry.Record.Trigger.EdgeTime;
        var span = Html.T("record.clip-span", ("from", JobTimeline.Offset((clip.FirstProducedAt - edge).TotalMilliseconds)), ("to", JobTimeline.Offset((clip.LastProducedAt - edge).TotalMilliseconds)), ("frames", clip.Frames), ("codec", clip.Codec));
        if (entry.Original is not null && !entry.ImageUnreadable)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<video class=\"clip\" controls preload=\"metadata\" width=\"{Thumbnailer.Width}\" src=\"{Html.Encode(entry.Original)}\" data-sha256=\"{Html.Encode(entry.Record.Image.Sha256)}\"></video>");
            html.Append("<div class=\"clip-print\">").Append(Html.T("record.clip-print", ("file", entry.Original))).Append("</div>");
        }
        else
        {
            html.Append("<div class=\"no-image\">").Append(Html.T("record.no-clip")).Append("</div>");
        }

        html.Append("<div class=\"clip-span\">").Append(span).Append("</div>");
    }

    private static string BasisKey(string basis) =>
        ReportText.Table(ReportText.Fallback).ContainsKey("basis." + basis) ? "basis." + basis : "basis.arrival";

    private static string Verification(RecordCheck check)
    {
        var status = check.Status.ToString().ToLowerInvariant();
        var detail = check.Problems.Count > 0
            ? string.Join("; ", check.Problems.Select(p => Html.T(VerifierText.Problem(p))))
            : string.Join(", ", check.Checks.Select(c => Html.T(VerifierText.Check(c))));
        return $"<span class=\"badge verification-{status}\">{Html.Status(check.Status)}</span> <small>{detail}</small>";
    }

    private static string Code(string text) => $"<code>{Html.Encode(text)}</code>";

    private static string Row(string key, string value) => $"<div><dt>{Html.T(key)}</dt><dd>{value}</dd></div>";
}
