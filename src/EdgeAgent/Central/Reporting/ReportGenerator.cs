using System.Text.Json;
using EdgeAgent.Central.Collector;
using EdgeAgent.Platform;
using EdgeAgent.Procedure;
using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Reporting;

/// <summary>
/// Turns a collector's store into a report for people: a page per work order, an index page and a JSON export,
/// with every photo inside the output folder (the signed original, the stamped copy, a thumbnail), so the folder
/// is complete on its own and can be zipped and handed on. Reads <c>{root}/{site}/{device}/{work order}/*.json|.jpg</c>;
/// never writes into the store except under the output directory.
/// </summary>
public sealed class ReportGenerator(TimeProvider timeProvider)
{
    public const string IndexFile = "index.html";
    public const string JsonFile = "report.json";

    /// <summary>The default output directory: <c>{root}/reports</c>, which the store's enumeration skips.</summary>
    public static string DefaultOutput(string storeRoot) => Path.Combine(Path.GetFullPath(storeRoot), "reports");

    /// <param name="keys">Enrolled device keys; null leaves signatures unchecked (the index page says so).</param>
    /// <param name="progress">Told as records are verified, then as their photos are written; called from several threads.</param>
    /// <param name="storeNotes">What the store itself showed beyond the copy (a bucket's overwritten or deleted objects), listed with the verification notes on the index page and in the JSON export.</param>
    public ReportResult Generate(string storeRoot, string? outputDirectory = null, IReadOnlyDictionary<string, ProcedureTemplate>? procedures = null, Collector.EnrolledKeys? keys = null, IProgress<WorkProgress>? progress = null, IReadOnlyList<string>? storeNotes = null)
    {
        var store = new EvidenceStore(storeRoot);
        var output = Path.GetFullPath(outputDirectory ?? DefaultOutput(storeRoot));
        Directory.CreateDirectory(output);
        var verification = RecordVerification.ForStore(store.Root, keys, procedures, progress);
        var unreadable = new List<ReportMessage>();
        var failures = new List<string>();

        var byDirectory = store.Enumerate()
            .Where(p => !Path.GetFullPath(p.JsonPath).StartsWith(output + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .GroupBy(p => Path.GetDirectoryName(p.JsonPath)!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => ReadJob(store.Root, g.Key, g, verification, unreadable, failures))
            .Where(j => j.Entries.Count > 0)
            .ToList();

        // The photos are the slow part (decode, stamp, encode, thumbnail): all cores, whatever the job.
        var work = byDirectory.SelectMany(j => j.Entries.Select((e, i) => (Job: j, Index: i))).ToList();
        var done = 0;
        Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, item =>
        {
            var entry = item.Job.Entries[item.Index];
            var photo = ReportPhotos.Develop(entry.ImagePath, entry.Record, entry.Facts, entry.Timing, output, item.Job.Key);
            item.Job.Entries[item.Index] = entry with
            {
                Original = photo.Original,
                Stamped = photo.Stamped,
                Thumbnail = photo.Thumbnail,
                ImageProblem = photo.Problem,
                ImageUnreadable = photo.Unreadable,
            };
            progress?.Report(new WorkProgress("photos", Interlocked.Increment(ref done), work.Count));
        });

        var jobs = new List<JobReport>();
        foreach (var job in byDirectory)
        {
            failures.AddRange(job.Entries.Where(e => e.ImageUnreadable).Select(e => $"{Path.GetRelativePath(store.Root, e.ImagePath)}: {e.ImageProblem?.Text}"));
            var first = job.Entries[0].Record;
            var template = procedures?.GetValueOrDefault(first.WorkOrder.Procedure);
            jobs.Add(new JobReport
            {
                SiteId = first.SiteId,
                DeviceId = first.DeviceId,
                PointId = first.PointId,
                WorkOrderId = first.WorkOrder.Id,
                ProcedureId = first.WorkOrder.Procedure,
                Page = "job-" + job.Key + ".html",
                Entries = job.Entries,
                Findings = [.. JobAnalyzer.Analyze(job.Entries, template), .. verification.ForJob(job.Directory).Select(p => new ReportFinding(FindingKind.Verification, ReportMessage.Of("finding.job-verification", ("problem", p))))],
                ExpectedSteps = template?.Steps.Select(s => s.Id).ToList() ?? [],
            });
        }

        unreadable.AddRange(verification.Unmatched.Select(p => ReportMessage.Of("plain", ("text", p))));
        jobs.Sort((a, b) => Nullable.Compare(b.StartedAt, a.StartedAt));
        var generatedAt = timeProvider.GetUtcNow();
        foreach (var job in jobs)
        {
            File.WriteAllText(Path.Combine(output, job.Page), JobPage.Render(job, generatedAt));
        }

        var indexPath = Path.Combine(output, IndexFile);
        IReadOnlyList<string> notes = [.. storeNotes ?? [], .. verification.Warnings];
        File.WriteAllText(indexPath, IndexPage.Render(jobs, unreadable, notes, store.Root, generatedAt));
        File.WriteAllBytes(Path.Combine(output, JsonFile), ReportJson.Serialize(jobs, [.. unreadable.Select(u => u.Text)], notes, store.Root, generatedAt));
        return new ReportResult(indexPath, jobs, [.. unreadable.Select(u => u.Text)], failures);
    }

    /// <summary>A job's records read and put in chain order, their photos not yet developed.</summary>
    private sealed record JobFiles(string Directory, string Key, List<ReportEntry> Entries);

    private static JobFiles ReadJob(
        string root,
        string directory,
        IEnumerable<(string JsonPath, string ImagePath)> files,
        RecordVerification verification,
        List<ReportMessage> unreadable,
        List<string> failures)
    {
        // Page and photo names come from the store's directory names, which the store already sanitised.
        var key = string.Join('.', Path.GetRelativePath(root, directory).Split(Path.DirectorySeparatorChar).Select(SafePath.Segment));
        var read = new List<(EvidenceRecord Record, RecordFacts Facts, string JsonPath, string ImagePath)>();
        foreach (var (jsonPath, imagePath) in files)
        {
            try
            {
                var json = File.ReadAllBytes(jsonPath);
                read.Add((EvidenceRecord.FromJson(json), RecordFacts.Read(json), jsonPath, imagePath));
            }
            catch (Exception ex) when (ex is JsonException or IOException or NotSupportedException)
            {
                var name = Path.GetRelativePath(root, jsonPath);
                unreadable.Add(ReportMessage.Of("unreadable.record", ("path", name), ("error", ex.Message)));
                failures.Add($"{name}: record cannot be read: {ex.Message}");
                _ = verification.ForRecord(jsonPath); // the verifier says the same; don't list it twice
            }
        }

        read.Sort((a, b) => a.Record.Sequence.CompareTo(b.Record.Sequence));
        var timings = PhotoTiming.AssignRoles([.. read.Select(r => (r.Record, r.Facts))]);
        var entries = read.Select((r, i) => new ReportEntry(r.Record, r.JsonPath, r.ImagePath, verification.ForRecord(r.JsonPath)) { Facts = r.Facts, Timing = timings[i] }).ToList();
        return new JobFiles(directory, key, entries);
    }
}
