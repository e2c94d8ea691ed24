using System.CommandLine;
using EdgeAgent.Central.Collector;
using EdgeAgent.Procedure;
using EdgeAgent.Central.Verification;

namespace EdgeAgent.Cli;

/// <summary><c>edgeagent verify DIR</c>: chains, signatures, image hashes and completeness of a collector's store.</summary>
public static class VerifyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dir = new Argument<string>("DIR") { Description = "Root of a collector's evidence store: a directory, or s3://bucket[/prefix]." };
        var s3 = new S3Arguments();
        var keys = new Option<string?>("--keys") { Description = "Enrolled public keys: a directory of {deviceId}.pem files (from 'edgeagent key'), or one such file." };
        var requireRetention = new Option<int?>("--require-retention-days") { Description = "For an s3:// store: fail unless every record and image is locked (Object Lock) for at least this many more days." };
        var asWritten = new Option<bool>("--as-written") { Description = "For an s3:// store: verify every record and image as the collector wrote it (its first version), beneath any later version or delete marker; what was done on top is listed as warnings." };
        var procedures = new Option<string?>("--procedures")
        {
            Description = "Directory of procedure templates for the completeness check (default: the templates shipped with edgeagent).",
        };
        var command = new Command("verify", "Check a collector's output: per-device hash chains (gaps, reordering), signatures, image SHA-256s and completeness against the procedure templates. Exits 1 on any failure and names the first broken link.")
        {
            dir, keys, procedures, requireRetention, asWritten,
        };
        foreach (var option in s3.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            var root = parse.GetValue(dir)!;
            if (!Central.Collector.ObjectStore.S3StoreOptions.IsLocation(root) && !Directory.Exists(root))
            {
                error.WriteLine($"edgeagent verify: '{root}' is neither a directory nor an s3://bucket location");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(asWritten) && !Central.Collector.ObjectStore.S3StoreOptions.IsLocation(root))
            {
                error.WriteLine("edgeagent verify: --as-written is for an s3:// store (a directory keeps no earlier versions)");
                return ExitCodes.Usage;
            }

            EnrolledKeys? enrolled = null;
            IReadOnlyDictionary<string, ProcedureTemplate> templates;
            try
            {
                enrolled = parse.GetValue(keys) is { } keyPath ? EnrolledKeys.Load(keyPath) : null;
                templates = ProcedureTemplate.LoadDirectory(parse.GetValue(procedures) ?? Path.Combine(AppContext.BaseDirectory, "procedures"));
            }
            catch (InvalidDataException ex)
            {
                enrolled?.Dispose();
                error.WriteLine($"edgeagent verify: {ex.Message}");
                return ExitCodes.Usage;
            }

            using (enrolled)
            {
                Central.Collector.IEvidenceStore store;
                try
                {
                    store = Central.Collector.ObjectStore.S3StoreOptions.IsLocation(root) ? new Central.Collector.ObjectStore.S3EvidenceStore(s3.Build(parse, root)) { AsWritten = parse.GetValue(asWritten) } : new Central.Collector.EvidenceStore(root);
                }
                catch (Configuration.ConfigException ex)
                {
                    error.WriteLine($"edgeagent verify: {string.Join("; ", ex.Errors)}");
                    return ExitCodes.Usage;
                }

                using (store)
                {
                    try
                    {
                        var clock = System.Diagnostics.Stopwatch.StartNew();
                        var progress = TerminalProgress.ForConsole(error);
                        var report = EvidenceVerifier.Verify(store, enrolled, templates, progress);
                        progress?.Finish();
                        if (parse.GetValue(requireRetention) is { } days)
                        {
                            report = report.RequireRetention(TimeProvider.System.GetUtcNow().AddDays(days));
                        }

                        return Report(report, clock.Elapsed, output, error);
                    }
                    catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException)
                    {
                        error.WriteLine($"edgeagent verify: cannot read {store.Location}: {ex.Message}");
                        return ExitCodes.Unavailable;
                    }
                }
            }
        });
        return command;
    }

    private static int Report(VerificationReport report, TimeSpan elapsed, TextWriter output, TextWriter error)
    {
        foreach (var job in report.Jobs)
        {
            output.WriteLine($"JOB {job}");
        }

        foreach (var warning in report.Warnings)
        {
            error.WriteLine($"WARN {warning}");
        }

        foreach (var retained in report.Retention)
        {
            output.WriteLine($"RETAIN {retained}");
        }

        if (report.First is { } first)
        {
            error.WriteLine($"FIRST BROKEN LINK {first}");
        }

        foreach (var failure in report.Failures)
        {
            error.WriteLine($"FAIL {failure}");
        }

        var took = string.Create(System.Globalization.CultureInfo.InvariantCulture, $" in {elapsed.TotalSeconds:0.0} s");
        output.WriteLine((report.Ok
            ? $"OK: {report.Records} records verified"
            : report.Records == 0 ? "FAILED: no records found" : $"FAILED: {report.Failures.Count} problems in {report.Records} records") + took);
        return report.Ok ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
