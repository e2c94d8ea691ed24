using System.Globalization;
using System.Text;

namespace EdgeAgent.Central.Reporting;

/// <summary>The list of jobs with client-side filters by site, point, date and status (also settable from the URL hash).</summary>
public static class IndexPage
{
    public static string Render(IReadOnlyList<JobReport> jobs, IReadOnlyList<ReportMessage> unreadable, IReadOnlyList<string> warnings, string storeRoot, DateTimeOffset generatedAt)
    {
        var html = new StringBuilder(Html.Head(ReportText.Format(ReportText.Fallback, "page.title.index")));
        html.Append("<body class=\"index\">\n<header><strong>EdgeAgent</strong>").Append(Html.LanguageSwitch).Append("</header>\n<main>\n");
        html.Append("<h1>").Append(Html.T("index.heading")).Append("</h1>\n");
        html.Append("<p class=\"summary\">").Append(Html.T("index.summary", ("jobs", jobs.Count), ("records", jobs.Sum(j => j.Entries.Count))))
            .Append(" · <code>").Append(Html.Encode(storeRoot)).Append("</code> · <a href=\"").Append(ReportGenerator.JsonFile).Append("\">JSON</a></p>\n");

        if (warnings.Count > 0)
        {
            html.Append("<section class=\"warnings\"><h2>").Append(Html.T("index.notes")).Append("</h2><ul>");
            foreach (var warning in warnings)
            {
                html.Append("<li class=\"finding\">").Append(Html.T(VerifierText.Warning(warning))).Append("</li>");
            }

            html.Append("</ul></section>\n");
        }

        if (unreadable.Count > 0)
        {
            html.Append("<section class=\"findings\"><h2>").Append(Html.T("index.problems")).Append("</h2><ul>");
            foreach (var line in unreadable)
            {
                html.Append("<li class=\"finding kind-verification\">").Append(Html.T(line)).Append("</li>");
            }

            html.Append("</ul></section>\n");
        }

        html.Append("<form class=\"filters\" id=\"filters\">")
            .Append(Filter("site", Html.T("filter.site"), jobs.Select(j => j.SiteId)))
            .Append(Filter("point", Html.T("filter.point"), jobs.Select(j => j.PointId)))
            .Append("<label>").Append(Html.T("filter.from")).Append(" <input type=\"date\" name=\"from\" id=\"f-from\"></label>")
            .Append("<label>").Append(Html.T("filter.to")).Append(" <input type=\"date\" name=\"to\" id=\"f-to\"></label>")
            .Append("<label>").Append(Html.T("filter.status")).Append(" <select name=\"status\" id=\"f-status\"><option value=\"\">*</option>");
        foreach (var status in Enum.GetValues<JobStatus>())
        {
            html.Append(CultureInfo.InvariantCulture, $"<option value=\"{status.ToString().ToLowerInvariant()}\">{StatusText(status)}</option>");
        }

        html.Append("</select></label>")
            .Append("<label>").Append(Html.T("filter.search")).Append(" <input type=\"search\" name=\"q\" id=\"f-q\"></label>")
            .Append("<span class=\"count\" id=\"shown\"></span></form>\n");

        html.Append("<table id=\"jobs\"><thead><tr>")
            .Append("<th>").Append(Html.T("column.date")).Append("</th>")
            .Append("<th>").Append(Html.T("column.work-order")).Append("</th>")
            .Append("<th>").Append(Html.T("filter.site")).Append("</th>")
            .Append("<th>").Append(Html.T("filter.point")).Append("</th>")
            .Append("<th>").Append(Html.T("column.device")).Append("</th>")
            .Append("<th>").Append(Html.T("column.steps")).Append("</th>")
            .Append("<th>").Append(Html.T("column.findings")).Append("</th>")
            .Append("<th>").Append(Html.T("filter.status")).Append("</th>")
            .Append("</tr></thead>\n<tbody>\n");
        foreach (var job in jobs)
        {
            var status = job.Status.ToString().ToLowerInvariant();
            var date = job.StartedAt?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
            var steps = job.Entries.Where(e => e.Record.Step.Advanced).Select(e => e.Record.Step.Id).Distinct().Count();
            var expected = job.ExpectedSteps.Count > 0 ? $"/{job.ExpectedSteps.Count}" : "";
            html.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"job\" data-site=\"{Html.Encode(job.SiteId)}\" data-point=\"{Html.Encode(job.PointId)}\" data-date=\"{date}\" data-status=\"{status}\">")
                .Append(CultureInfo.InvariantCulture, $"<td>{Html.Time(job.StartedAt)}</td><td><a href=\"{Html.Encode(job.Page)}\">{Html.Encode(job.WorkOrderId)}</a></td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{Html.Encode(job.SiteId)}</td><td>{Html.Encode(job.PointId)}</td><td>{Html.Encode(job.DeviceId)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{steps}{expected} ({job.Entries.Count})</td><td>{job.Findings.Count}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td><span class=\"badge status-{status}\">{Html.Status(job.Status)}</span></td></tr>\n");
        }

        html.Append("</tbody></table>\n");
        if (jobs.Count == 0)
        {
            html.Append("<p class=\"none\">").Append(Html.T("index.none")).Append("</p>\n");
        }

        html.Append("</main>\n");
        return html.Append(Html.Tail(generatedAt)).ToString();
    }

    private static string Filter(string name, string label, IEnumerable<string> values)
    {
        var options = string.Concat(values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(v => $"<option value=\"{Html.Encode(v)}\">{Html.Encode(v)}</option>"));
        return $"<label>{label} <select name=\"{name}\" id=\"f-{name}\"><option value=\"\">*</option>{options}</select></label>";
    }

    // Option elements cannot hold spans, so the status options carry both languages as text.
    private static string StatusText(JobStatus status) => Html.Encode(Html.Plain(ReportMessage.Of("status.job." + status.ToString().ToLowerInvariant())));
}
