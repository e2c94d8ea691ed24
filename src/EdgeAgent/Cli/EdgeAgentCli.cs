using System.CommandLine;

namespace EdgeAgent.Cli;

/// <summary>The <c>edgeagent</c> command line.</summary>
public static class EdgeAgentCli
{
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("EdgeAgent: photographed, hash-stamped lockout/tagout evidence from site cameras, delivered over MQTT.");
        root.Subcommands.Add(RunCommand.Create(error));
        root.Subcommands.Add(DemoCommand.Create(output, error));
        root.Subcommands.Add(CollectCommand.Create(output, error));
        root.Subcommands.Add(TriggerCommand.Create(output, error));
        root.Subcommands.Add(VerifyCommand.Create(output, error));
        root.Subcommands.Add(StatusCommand.Create(output, error));
        root.Subcommands.Add(SnapshotCommand.Create(output, error));
        root.Subcommands.Add(DoctorCommand.Create(output));
        root.Subcommands.Add(KeyCommand.Create(output, error));
        root.Subcommands.Add(ReportCommand.Create(output, error));
        root.Subcommands.Add(CommissionCommand.Create(output, error));
        return root;
    }

    /// <summary>
    /// Parses and runs one command line. Usage errors (unknown command or option, missing option or argument,
    /// a value outside its choices) exit 64 with the valid choices; an unexpected exception prints one line and
    /// the file holding its details, never a stack trace.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parse = Create(output, error).Parse(args);
        if (parse.Errors.Count > 0)
        {
            return ReportUsageErrors(parse, error);
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Failure;
        }
        catch (Exception ex)
        {
            var name = parse.CommandResult.Command is RootCommand ? "edgeagent" : $"edgeagent {parse.CommandResult.Command.Name}";
            var log = CrashLog.TryWrite(args, ex);
            error.WriteLine($"{name}: unexpected error: {FirstLine(ex.Message)}{(log is null ? "" : $" (details in {log})")}");
            return ExitCodes.Failure;
        }
    }

    private static int ReportUsageErrors(ParseResult parse, TextWriter error)
    {
        var command = parse.CommandResult.Command;
        var name = command is RootCommand ? "edgeagent" : $"edgeagent {command.Name}";
        foreach (var problem in parse.Errors)
        {
            error.WriteLine($"{name}: {FirstLine(problem.Message.Replace("\n\t", " ", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal))}");
        }

        if (parse.UnmatchedTokens.Count > 0 || parse.Errors.Any(e => e.Message.Contains("Unrecognized", StringComparison.Ordinal)))
        {
            var choices = command is RootCommand
                ? "commands: " + string.Join(", ", command.Subcommands.Select(c => c.Name))
                : "options: " + string.Join(", ", command.Options.Where(o => !o.Hidden).Select(o => o.Name));
            error.WriteLine($"  valid {choices}");
        }

        var arguments = string.Concat(command.Arguments.Select(a => $" {a.Name}"));
        error.WriteLine($"  usage: {name}{arguments}{(command.Options.Count > 0 ? " [options]" : "")}; see {name} --help");
        return ExitCodes.Usage;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>Prints a configuration error the way every command does, and returns exit code 78.</summary>
    public static int ReportConfigError(TextWriter error, Configuration.ConfigException ex)
    {
        error.WriteLine("edgeagent: configuration error:");
        foreach (var line in ex.Errors)
        {
            error.WriteLine($"  {line}");
        }

        return ExitCodes.Config;
    }
}
