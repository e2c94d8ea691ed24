using System.CommandLine;
using EdgeAgent.Verification;

namespace EdgeAgent.Cli;

public static class VerifyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dir = new Argument<string>("DIR") { Description = "Root of a collector's evidence store." };
        var command = new Command("verify", "Check a collector's output: every record's image is present and matches its SHA-256.") { dir };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(dir)!;
            if (!Directory.Exists(root))
            {
                error.WriteLine($"edgeagent verify: '{root}' is not a directory");
                return ExitCodes.Usage;
            }

            var report = EvidenceVerifier.Verify(root);
            foreach (var problem in report.Problems)
            {
                error.WriteLine($"FAIL {problem}");
            }

            output.WriteLine(report.Ok ? $"OK: {report.Records} records verified" : $"FAILED: {report.Problems.Count} problems in {report.Records} records");
            return report.Ok ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
