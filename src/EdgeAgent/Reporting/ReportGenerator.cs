using System.Text.Json;
using EdgeAgent.Collector;
using EdgeAgent.Evidence;
using EdgeAgent.Procedure;

namespace EdgeAgent.Reporting;

/// <summary>
/// Turns a collector's store into a report for people: a page per work order, an index page and a JSON
/// export, all static and offline. Reads <c>{root}/{site}/{device}/{work order}/*.json|.jpg</c>; never
/// writes into the store except under the output directory.
/// </summary>
public sealed class ReportGenerator(TimeProvider timeProvider)
{
    public const string IndexFile = "index.html";
    public const string JsonFile = "report.json";

    /// <summary>The default output directory: <c>{root}/reports</c>, which the store's enumeration skips.</summary>
    public static string DefaultOutput(string storeRoot) => Path.Combine(Path.GetFullPath(storeRoot), "reports");

    /// <param name="keys">Enrolled device keys; null leaves signatures unchecked (the index page says so).</param>
    public ReportResult Generate(string storeRoot, string? outputDirectory = null, IReadOnlyDictionary<string, ProcedureTemplate>? procedures = null, Verification.EnrolledKeys? keys = null)
    {
        var store = new EvidenceStore(storeRoot);
        var output = Path.GetFullPath(outputDirectory ?? DefaultOutput(storeRoot));
        Directory.CreateDirectory(output);
        var verification = RecordVerification.ForStore(store.Root, keys, procedures);
        var jobs = new List<JobReport>();
        var unreadable = new List<string>();

        var byDirectory = store.Enumerate()
            .Where(p => !Path.GetFullPath(p.JsonPath).StartsWith(output + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .GroupBy(p => Path.GetDirectoryName(p.JsonPath)!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in byDirectory)
        {
            var job = BuildJob(store.Root, output, group.Key, group, verification, procedures, unreadable);
            if (job is not null)
            {
                jobs.Add(job);
            }
        }

        unreadable.AddRange(verification.Unmatched);
        jobs.Sort((a, b) => Nullable.Compare(b.StartedAt, a.StartedAt));
        var generatedAt = timeProvider.GetUtcNow();
        foreach (var job in jobs)
        {
            File.WriteAllText(Path.Combine(output, job.Page), JobPage.Render(job, output, generatedAt));
        }

        var indexPath = Path.Combine(output, IndexFile);
        File.WriteAllText(indexPath, IndexPage.Render(jobs, unreadable, verification.Warnings, store.Root, generatedAt));
        File.WriteAllBytes(Path.Combine(output, JsonFile), ReportJson.Serialize(jobs, unreadable, verification.Warnings, store.Root, output, generatedAt));
        return new ReportResult(indexPath, jobs, unreadable);
    }

    private static JobReport? BuildJob(
        string root,
        string output,
        string directory,
        IEnumerable<(string JsonPath, string ImagePath)> files,
        RecordVerification verification,
        IReadOnlyDictionary<string, ProcedureTemplate>? procedures,
        List<string> unreadable)
    {
        // Page and thumbnail names come from the store's directory names, which the store already sanitised.
        var key = string.Join('.', Path.GetRelativePath(root, directory).Split(Path.DirectorySeparatorChar).Select(SafePath.Segment));
        var entries = new List<ReportEntry>();
        foreach (var (jsonPath, imagePath) in files)
        {
            EvidenceRecord record;
            byte[] json;
            try
            {
                json = File.ReadAllBytes(jsonPath);
                record = EvidenceRecord.FromJson(json);
            }
            catch (Exception ex) when (ex is JsonException or IOException or NotSupportedException)
            {
                unreadable.Add($"{Path.GetRelativePath(root, jsonPath)}: {ex.Message}");
                _ = verification.ForRecord(jsonPath); // the verifier says the same; don't list it twice
                continue;
            }

            var thumbnail = Path.Combine("thumbs", key, Path.GetFileNameWithoutExtension(jsonPath) + ".jpg");
            var (written, problem) = Thumbnailer.Write(imagePath, Path.Combine(output, thumbnail), record.Frame.Width, record.Frame.Height);
            entries.Add(new ReportEntry(record, jsonPath, imagePath, verification.ForRecord(jsonPath))
            {
                Thumbnail = written ? thumbnail.Replace(Path.DirectorySeparatorChar, '/') : null,
                ImageProblem = problem,
                ClockProblem = RecordClock.Problem(json),
            });
        }

        if (entries.Count == 0)
        {
            return null;
        }

        entries.Sort((a, b) => a.Record.Sequence.CompareTo(b.Record.Sequence));
        var first = entries[0].Record;
        var template = procedures?.GetValueOrDefault(first.WorkOrder.Procedure);
        return new JobReport
        {
            SiteId = first.SiteId,
            DeviceId = first.DeviceId,
            PointId = first.PointId,
            WorkOrderId = first.WorkOrder.Id,
            ProcedureId = first.WorkOrder.Procedure,
            Page = "job-" + key + ".html",
            Entries = entries,
            Findings = [.. JobAnalyzer.Analyze(entries, template), .. verification.ForJob(directory).Select(p => new ReportFinding(FindingKind.Verification, p))],
            ExpectedSteps = template?.Steps.Select(s => s.Id).ToList() ?? [],
        };
    }
}
