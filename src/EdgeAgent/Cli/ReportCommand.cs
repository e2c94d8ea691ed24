using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Central.Collector;
using EdgeAgent.Procedure;
using EdgeAgent.Central.Reporting;

namespace EdgeAgent.Cli;

/// <summary>
/// <c>edgeagent report DIR</c>: the static, offline report of a collector's store. Exit 0 when every record and
/// photo could be read, 1 when some could not (each named on stderr), 64 for bad arguments, 69 when <c>--pdf</c>
/// finds no Chromium (the HTML report is still written).
/// </summary>
public static class ReportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dir = new Argument<string>("DIR") { Description = "Root of a collector's evidence store: a directory, or s3://bucket[/prefix] (copied into --output first: the report is offline)." };
        var s3 = new S3Arguments();
        var outputDir = new Option<string?>("--output", "-o") { Description = "Where to write the report (default: DIR/reports). The folder is complete on its own: zip it and hand it on." };
        var procedures = new Option<string?>("--procedures") { Description = "Directory of procedure templates, to name missing steps (default: the ones shipped with edgeagent)." };
        var keys = new Option<string?>("--keys") { Description = "Enrolled public keys ({deviceId}.pem files, as for verify); without them signatures are not checked." };
        var pdf = new Option<bool>("--pdf") { Description = "Also print each job page to job-….pdf with headless Chromium (exit 69 when Chromium is not installed)." };
        var chromium = new Option<string?>("--chromium") { Description = "Chromium executable for --pdf (default: chromium on PATH)." };
        var asWritten = new Option<bool>("--as-written") { Description = "For an s3:// store: copy and report every record and image as the collector wrote it (its first version), beneath any later version or delete marker." };
        var command = new Command("report", "Write a static, offline HTML report (a page per work order with its timeline and stamped photos, an index with filters, English and Chinese) and a JSON export.")
        {
            dir, outputDir, procedures, keys, pdf, chromium, asWritten,
        };
        foreach (var option in s3.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = parse.GetValue(dir)!;
            var requestedOutput = parse.GetValue(outputDir);
            var storeNotes = new List<string>();
            if (parse.GetValue(asWritten) && !Central.Collector.ObjectStore.S3StoreOptions.IsLocation(root))
            {
                error.WriteLine("edgeagent report: --as-written is for an s3:// store (a directory keeps no earlier versions)");
                return ExitCodes.Usage;
            }

            if (Central.Collector.ObjectStore.S3StoreOptions.IsLocation(root))
            {
                if (parse.GetValue(outputDir) is not { } snapshot)
                {
                    error.WriteLine("edgeagent report: --output: required for an s3:// store (the bucket's evidence is copied there, the report goes to OUTPUT/reports)");
                    return ExitCodes.Usage;
                }

                try
                {
                    using var bucket = new Central.Collector.ObjectStore.S3EvidenceStore(s3.Build(parse, root)) { AsWritten = parse.GetValue(asWritten) };
                    foreach (var refused in StoreSnapshot.CopyTo(bucket, snapshot))
                    {
                        error.WriteLine($"WARN not copied, the key could leave {snapshot}: {refused}");
                    }

                    // What was overwritten or deleted in the bucket (a deleted last record leaves no trace in the copy).
                    foreach (var history in bucket.Rewritten())
                    {
                        var note = bucket.AsWritten ? $"{history.Key}: {history.Describe()}; copied as written" : $"{history.Key}: rewritten: {history.Describe()}; --as-written copies the evidence as the collector wrote it";
                        error.WriteLine((bucket.AsWritten ? "WARN " : "FAIL ") + note);
                        storeNotes.Add(bucket.Location + note); // the whole object address: s3://bucket/prefix/key: …
                    }
                }
                catch (Configuration.ConfigException ex)
                {
                    error.WriteLine($"edgeagent report: {string.Join("; ", ex.Errors)}");
                    return ExitCodes.Usage;
                }
                catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException)
                {
                    error.WriteLine($"edgeagent report: cannot read {root}: {ex.Message}");
                    return ExitCodes.Unavailable;
                }

                root = snapshot;
                requestedOutput = null; // the report goes to the snapshot's reports/, as for any directory store
            }

            if (!Directory.Exists(root))
            {
                error.WriteLine($"edgeagent report: '{root}' is not a directory");
                return ExitCodes.Usage;
            }

            // The store skips only {root}/reports; report files anywhere else inside it would look like records.
            var target = Path.GetFullPath(requestedOutput ?? ReportGenerator.DefaultOutput(root));
            var storeRoot = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (target.StartsWith(storeRoot, StringComparison.Ordinal) && target != ReportGenerator.DefaultOutput(root))
            {
                error.WriteLine($"edgeagent report: --output: '{target}' is inside the store; use {ReportGenerator.DefaultOutput(root)} or a directory outside it");
                return ExitCodes.Usage;
            }

            var templatesDir = parse.GetValue(procedures) ?? Path.Combine(AppContext.BaseDirectory, "procedures");
            IReadOnlyDictionary<string, ProcedureTemplate>? templates = null;
            EnrolledKeys? enrolled = null;
            try
            {
                templates = Directory.Exists(templatesDir) ? ProcedureTemplate.LoadDirectory(templatesDir) : null;
                enrolled = parse.GetValue(keys) is { } keyPath ? EnrolledKeys.Load(keyPath) : null;
            }
            catch (InvalidDataException ex)
            {
                error.WriteLine($"edgeagent report: {ex.Message}");
                return ExitCodes.Usage;
            }

            using var keysLifetime = enrolled;
            var clock = Stopwatch.StartNew();
            var progress = TerminalProgress.ForConsole(error);
            var result = new ReportGenerator(TimeProvider.System).Generate(root, target, templates, enrolled, progress, storeNotes);
            progress?.Finish();
            foreach (var failure in result.Failures)
            {
                error.WriteLine($"FAIL {failure}");
            }

            var exit = result.Failures.Count > 0 || (storeNotes.Count > 0 && !parse.GetValue(asWritten)) ? ExitCodes.Failure : ExitCodes.Ok; // a rewritten object fails unless reported as written
            var pdfs = 0;
            if (parse.GetValue(pdf))
            {
                var executable = ChromiumPdf.Find(parse.GetValue(chromium));
                if (executable is null)
                {
                    error.WriteLine("edgeagent report: --pdf needs Chromium, which is not installed (Debian: apt-get install chromium; or pass --chromium PATH); the HTML report was written without PDFs");
                    exit = ExitCodes.Unavailable;
                }
                else
                {
                    foreach (var page in result.Pages)
                    {
                        try
                        {
                            await ChromiumPdf.PrintAsync(executable, page, Path.ChangeExtension(page, ".pdf"), cancellationToken);
                            pdfs++;
                        }
                        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
                        {
                            error.WriteLine($"FAIL {Path.GetFileName(page)}: PDF not written: {ex.Message}");
                            exit = ExitCodes.Failure;
                        }
                    }
                }
            }

            var seconds = clock.Elapsed.TotalSeconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"report: {result.Jobs.Count} jobs, {result.Records} records, {result.Failures.Count} failures{(result.Unreadable.Count > 0 ? $", {result.Unreadable.Count} unreadable" : "")}{(pdfs > 0 ? $", {pdfs} PDFs" : "")} in {seconds:0.0} s ({(seconds > 0 ? result.Records / seconds : 0):0} records/s)"));
            output.WriteLine($"open    {result.IndexPath}");
            return exit;
        });
        return command;
    }
}
