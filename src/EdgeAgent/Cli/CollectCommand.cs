using System.CommandLine;
using EdgeAgent.Collector;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Cli;

public static class CollectCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var broker = new Option<string>("--broker") { Description = "Broker URL, mqtts://host:8883 or mqtt://host:1883.", Required = true };
        var dir = new Option<string>("--output", "-o") { Description = "Root directory of the evidence store.", Required = true };
        var ca = new Option<string?>("--ca-file") { Description = "CA bundle (PEM) for the broker's certificate." };
        var user = new Option<string?>("--username") { Description = "Broker user name." };
        var passwordFile = new Option<string?>("--password-file") { Description = "File holding the broker password." };
        var command = new Command("collect", "Run the central collector: receive evidence, verify image hashes, store each record once.") { broker, dir, ca, user, passwordFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var brokerOptions = new BrokerOptions
            {
                Url = parse.GetValue(broker)!,
                CaFile = parse.GetValue(ca),
                Username = parse.GetValue(user),
                PasswordFile = parse.GetValue(passwordFile),
            };
            if (!BrokerEndpoint.TryParse(brokerOptions.Url, out _, out var problem))
            {
                error.WriteLine($"edgeagent collect: --broker: {problem}");
                return ExitCodes.Config;
            }

            using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
            await using var collector = new CollectorService(new CollectorOptions { Broker = brokerOptions, OutputDirectory = parse.GetValue(dir)! }, loggerFactory.CreateLogger<CollectorService>());
            try
            {
                await collector.StartAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                error.WriteLine($"edgeagent collect: cannot connect to {brokerOptions.Url}: {ex.Message}");
                return ExitCodes.Unavailable;
            }

            output.WriteLine($"collecting from {brokerOptions.Url} into {collector.Store.Root}; Ctrl+C to stop");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
