using System.CommandLine;
using EdgeAgent.Demo;

namespace EdgeAgent.Cli;

public static class DemoCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dir = new Option<string>("--output", "-o") { Description = "Directory for everything the demo writes (agent state, collector store).", Required = true };
        var broker = new Option<string?>("--broker") { Description = "Use this broker (mqtt://host:port) instead of an in-process one." };
        var command = new Command("demo", "Play one conveyor lockout job end to end: lock switch, camera, MQTT, collector.") { dir, broker };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var url = parse.GetValue(broker);
            if (url is not null && !Configuration.BrokerEndpoint.TryParse(url, out _, out var problem))
            {
                error.WriteLine($"edgeagent demo: --broker: {problem}");
                return ExitCodes.Usage;
            }

            return await new DemoRunner(parse.GetValue(dir)!, url, output).RunAsync(cancellationToken);
        });
        return command;
    }
}
