using System.CommandLine;
using EdgeAgent.Configuration;
using EdgeAgent.Hosting;
using Microsoft.Extensions.Hosting;

namespace EdgeAgent.Cli;

public static class RunCommand
{
    public static Command Create(TextWriter error)
    {
        var config = new Option<string>("--config", "-c")
        {
            Description = $"Configuration file (JSON). EDGEAGENT__Key__Sub environment variables override it.",
            DefaultValueFactory = _ => ConfigLoader.DefaultPath,
        };
        var command = new Command("run", "Run the agent daemon (under systemd: Type=notify, journald logging).") { config };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var app = AgentHost.Build(ConfigLoader.Build(parse.GetValue(config)!));
                await app.RunAsync(cancellationToken);
                return ExitCodes.Ok;
            }
            catch (ConfigException ex)
            {
                return EdgeAgentCli.ReportConfigError(error, ex);
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException ex)
            {
                return EdgeAgentCli.ReportConfigError(error, new ConfigException(ex.Failures.ToList()));
            }
        });
        return command;
    }
}
