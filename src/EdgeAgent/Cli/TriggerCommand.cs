using System.CommandLine;
using System.Net.Sockets;
using EdgeAgent.Configuration;
using EdgeAgent.Control;

namespace EdgeAgent.Cli;

public static class TriggerCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var socket = new Option<string>("--socket") { Description = "Control socket of the running agent.", DefaultValueFactory = _ => new ControlOptions().SocketPath };
        var point = new Option<string?>("--point") { Description = "Manual trigger at this point (default: the only point)." };
        var step = new Option<string?>("--step") { Description = "The step being confirmed, e.g. zero-energy-verified." };
        var op = new Option<string?>("--operator") { Description = "Who confirms it." };
        var input = new Option<string?>("--input") { Description = "Switch this simulated lock input instead (needs Gpio:Driver \"simulated\")." };
        var state = new Option<string?>("--state") { Description = "With --input: on (locked) or off (unlocked)." };
        state.AcceptOnlyFromAmong("on", "off");
        var command = new Command("trigger", "Fire a manual trigger, or switch a simulated lock input, on a running agent.") { socket, point, step, op, input, state };
        command.Validators.Add(result =>
        {
            if (result.GetValue(input) is not null && result.GetValue(state) is null)
            {
                result.AddError("--input needs --state on|off");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = new ControlClient(parse.GetValue(socket)!);
            try
            {
                using var response = await client.TriggerAsync(
                    new TriggerRequest(parse.GetValue(point), parse.GetValue(input), parse.GetValue(state), parse.GetValue(step), parse.GetValue(op), Environment.UserName),
                    cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                (response.IsSuccessStatusCode ? output : error).WriteLine(body);
                return response.IsSuccessStatusCode ? ExitCodes.Ok : ExitCodes.Failure;
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
            {
                error.WriteLine($"edgeagent trigger: no agent listening on {parse.GetValue(socket)}: {ex.Message}");
                return ExitCodes.Unavailable;
            }
        });
        return command;
    }
}
