using System.Text.Json;
using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Reporting;

/// <summary>The machine-readable export: every job with its findings, and every record with its files (inside the report folder), timing and verification.</summary>
public static class ReportJson
{
    public const string Schema = "edgeagent.report/2";

    private static readonly JsonSerializerOptions Options = new(EvidenceRecord.Json) { WriteIndented = true };

    public static byte[] Serialize(IReadOnlyList<JobReport> jobs, IReadOnlyList<string> unreadable, IReadOnlyList<string> warnings, string storeRoot, DateTimeOffset generatedAt)
    {
        var document = new
        {
            schema = Schema,
            generatedAt,
            store = storeRoot,
            unreadable,
            warnings,
            jobs = jobs.Select(job => new
            {
                site = job.SiteId,
                device = job.DeviceId,
                point = job.PointId,
                workOrder = job.WorkOrderId,
                procedure = job.ProcedureId,
                status = job.Status.ToString().ToLowerInvariant(),
                startedAt = job.StartedAt,
                endedAt = job.EndedAt,
                page = job.Page,
                findings = job.Findings.Select(f => new { kind = f.Kind.ToString(), key = f.Message.Key, text = f.Text, sequence = f.Sequence }),
                records = job.Entries.Select(e => new
                {
                    record = e.Record,
                    image = e.Original,
                    stamped = e.Stamped,
                    thumbnail = e.Thumbnail,
                    imageProblem = e.ImageProblem?.Text,
                    role = JobTimeline.Role(e.Timing.Role),
                    offsetMs = e.Timing.OffsetMs,
                    producedAt = e.Timing.ProducedAt,
                    producedBasis = e.Timing.Basis,
                    holder = e.Facts.Holder,
                    verification = new { status = e.Check.Status.ToString().ToLowerInvariant(), checks = e.Check.Checks, problems = e.Check.Problems },
                }),
            }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, Options);
    }
}
