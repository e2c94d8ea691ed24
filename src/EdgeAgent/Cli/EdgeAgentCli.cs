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

    public static Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parse = Create(output, error).Parse(args);
        return parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

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
