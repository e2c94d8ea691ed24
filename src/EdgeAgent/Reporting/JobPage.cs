using System.Globalization;
using System.Text;

namespace EdgeAgent.Reporting;

/// <summary>One work order as a timeline: each record with its photo, stamp, who and when, and verification.</summary>
public static class JobPage
{
    public static string Render(JobReport job, string outputDirectory, DateTimeOffset generatedAt)
    {
        var html = new StringBuilder(Html.Head($"{job.WorkOrderId} · {job.PointId} · EdgeAgent"));
        html.Append("<body class=\"job\">\n<header><a href=\"index.html\">← ").Append(Html.Label("All jobs", "全部作业")).Append("</a>")
            .Append(Html.LanguageSwitch).Append("</header>\n<main>\n");
        html.Append("<h1>").Append(Html.Label("Work order", "工单")).Append(' ').Append(Html.Encode(job.WorkOrderId)).Append("</h1>\n");
        html.Append("<dl class=\"meta\">")
            .Append(Row(Html.Label("Site", "站点"), Html.Encode(job.SiteId)))
            .Append(Row(Html.Label("Point", "点位"), Html.Encode(job.PointId)))
            .Append(Row(Html.Label("Device", "设备"), Html.Encode(job.DeviceId)))
            .Append(Row(Html.Label("Procedure", "规程"), Html.Encode(job.ProcedureId)))
            .Append(Row(Html.Label("Started", "开始"), Html.Time(job.StartedAt)))
            .Append(Row(Html.Label("Last step", "最后步骤"), Html.Time(job.EndedAt)))
            .Append(Row(Html.Label("Status", "状态"), $"<span class=\"badge status-{job.Status.ToString().ToLowerInvariant()}\" id=\"job-status\">{Html.Status(job.Status)}</span>"))
            .Append("</dl>\n");

        html.Append("<section class=\"findings\"><h2>").Append(Html.Label("Findings", "发现")).Append("</h2>\n");
        if (job.Findings.Count == 0)
        {
            html.Append("<p class=\"none\">").Append(Html.Label("No findings.", "无发现。")).Append("</p>\n");
        }
        else
        {
            html.Append("<ul>\n");
            foreach (var finding in job.Findings)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li class=\"finding kind-{finding.Kind.ToString().ToLowerInvariant()}\"><span class=\"kind\">{Html.Kind(finding.Kind)}</span> {Html.Encode(finding.Text)}");
                if (finding.Sequence is { } sequence)
                {
                    html.Append(CultureInfo.InvariantCulture, $" <a href=\"#rec-{sequence}\">#{sequence}</a>");
                }

                html.Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("</section>\n<section><h2>").Append(Html.Label("Timeline", "时间线")).Append("</h2>\n<ol class=\"timeline\">\n");
        foreach (var entry in job.Entries)
        {
            AppendEntry(html, entry, outputDirectory);
        }

        html.Append("</ol>\n</section>\n<p class=\"export\"><a href=\"").Append(ReportGenerator.JsonFile).Append("\">")
            .Append(Html.Label("All jobs as JSON", "全部作业 JSON 导出")).Append("</a></p>\n</main>\n");
        return html.Append(Html.Tail(generatedAt)).ToString();
    }

    private static void AppendEntry(StringBuilder html, ReportEntry entry, string outputDirectory)
    {
        var record = entry.Record;
        var verification = entry.Check.Status.ToString().ToLowerInvariant();
        html.Append(CultureInfo.InvariantCulture,
            $"<li class=\"step verification-{verification}{(record.Step.Advanced ? "" : " repeat")}\" id=\"rec-{record.Sequence}\" data-step=\"{Html.Encode(record.Step.Id)}\" data-sequence=\"{record.Sequence}\" data-verification=\"{verification}\">\n");
        html.Append("<div class=\"photo\">");
        if (entry.Thumbnail is not null)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<a href=\"{Html.RelativeUrl(outputDirectory, entry.ImagePath)}\"><img src=\"{Html.Encode(entry.Thumbnail)}\" alt=\"{Html.Encode(record.Step.Id)} / {Html.Encode(record.Frame.CameraId)}\" width=\"{Thumbnailer.Width}\" data-thumb></a>");
        }
        else
        {
            html.Append("<div class=\"no-image\">").Append(Html.Label("No image", "无图像")).Append("</div>");
        }

        html.Append(CultureInfo.InvariantCulture,
            $"<div class=\"stamp\">#{record.Sequence} · {Html.Encode(record.Frame.CameraId)} · {record.Frame.Width}×{record.Frame.Height} · frame {record.Frame.Sequence} · {FrameTiming(record.Frame)}<br><code title=\"SHA-256\">{Html.Encode(record.Image.Sha256[..Math.Min(16, record.Image.Sha256.Length)])}…</code></div></div>\n");

        html.Append("<div class=\"body\"><h3>").Append(CultureInfo.InvariantCulture, $"<span class=\"step-no\">{record.Step.Index + 1}</span> ")
            .Append(Html.Label(record.Step.Names.GetValueOrDefault("en") ?? record.Step.Id, record.Step.Names.GetValueOrDefault("zh") ?? record.Step.Names.GetValueOrDefault("en") ?? record.Step.Id))
            .Append(CultureInfo.InvariantCulture, $" <code>{Html.Encode(record.Step.Id)}</code>");
        if (!record.Step.Advanced)
        {
            html.Append(" <span class=\"badge repeat\">").Append(Html.Label("did not advance", "未推进")).Append("</span>");
        }

        html.Append("</h3>\n<dl>")
            .Append(Row(Html.Label("Who", "人员"), Html.Encode(record.Trigger.Operator ?? "—")))
            .Append(record.Trigger.Holder is { } holder ? Row(Html.Label("Lock of", "锁具持有人"), Html.Encode(holder)) : "")
            .Append(Row(Html.Label("When", "时间"), Html.Time(record.Trigger.EdgeTime)))
            .Append(Row(Html.Label("Trigger", "触发"), Html.Encode($"{record.Trigger.Kind} · {record.Trigger.Source}/{record.Trigger.Input}")))
            .Append(Row(Html.Label("Recorded", "记录于"), Html.Time(record.CreatedAt)))
            .Append(Row(Html.Label("Verification", "校验"), Verification(entry.Check)))
            .Append("</dl>\n");
        if (record.Findings.Count > 0 || entry.ImageProblem is not null || entry.ClockProblem is not null)
        {
            html.Append("<ul class=\"record-findings\">");
            foreach (var text in record.Findings.Append(entry.ImageProblem).Append(entry.ClockProblem).OfType<string>())
            {
                html.Append("<li>").Append(Html.Encode(text)).Append("</li>");
            }

            html.Append("</ul>\n");
        }

        html.Append("</div>\n</li>\n");
    }

    private static string Verification(RecordCheck check)
    {
        var status = check.Status.ToString().ToLowerInvariant();
        var detail = check.Problems.Count > 0 ? string.Join("; ", check.Problems) : string.Join(", ", check.Checks);
        return $"<span class=\"badge verification-{status}\">{Html.Status(check.Status)}</span> <small>{Html.Encode(detail)}</small>";
    }

    /// <summary>When the frame was produced against its trigger (negative = before), its role and basis; /1 records: arrival age.</summary>
    private static string FrameTiming(Evidence.FrameStamp frame)
    {
        if (frame.Role is not { } role)
        {
            return Html.Encode(string.Create(CultureInfo.InvariantCulture, $"{frame.AgeMs} ms"));
        }

        var label = role switch
        {
            Capture.FrameRole.Pre => Html.Label("before the trigger", "触发前"),
            Capture.FrameRole.At => Html.Label("at the trigger", "触发时"),
            _ => Html.Label("after the trigger", "触发后"),
        };
        var late = frame.Late is { } l ? " · " + Html.Label(string.Create(CultureInfo.InvariantCulture, $"late by {l.DelayMs / 1000:0.#} s"), string.Create(CultureInfo.InvariantCulture, $"延迟 {l.DelayMs / 1000:0.#} 秒")) : "";
        var basis = frame.ProducedBasis?.ToString() ?? "";
        return string.Create(CultureInfo.InvariantCulture, $"{label} {frame.OffsetMs:+0.#;-0.#;0} ms <small>({Html.Encode(basis)})</small>{late}");
    }

    private static string Row(string label, string value) => $"<div><dt>{label}</dt><dd>{value}</dd></div>";
}
