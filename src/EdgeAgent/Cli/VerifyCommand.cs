using System.CommandLine;
using EdgeAgent.Procedure;
using EdgeAgent.Verification;

namespace EdgeAgent.Cli;

/// <summary><c>edgeagent verify DIR</c>: chains, signatures, image hashes and completeness of a collector's store.</summary>
public static class VerifyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dir = new Argument<string>("DIR") { Description = "Root of a collector's evidence store." };
        var keys = new Option<string?>("--keys") { Description = "Enrolled public keys: a directory of {deviceId}.pem files (from 'edgeagent key'), or one such file." };
        var procedures = new Option<string?>("--procedures")
        {
            Description = "Directory of procedure templates for the completeness check (default: the templates shipped with edgeagent).",
        };
        var command = new Command("verify", "Check a collector's output: per-device hash chains (gaps, reordering), signatures, image SHA-256s and completeness against the procedure templates. Exits 1 on any failure and names the first broken link.")
        {
            dir, keys, procedures,
        };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(dir)!;
            if (!Directory.Exists(root))
            {
                error.WriteLine($"edgeagent verify: '{root}' is not a directory");
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
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var progress = TerminalProgress.ForConsole(error);
                var report = EvidenceVerifier.Verify(root, enrolled, templates, progress);
                progress?.Finish();
                return Report(report, clock.Elapsed, output, error);
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
