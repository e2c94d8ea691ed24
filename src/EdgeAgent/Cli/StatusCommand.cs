using System.CommandLine;
using System.Net.Sockets;
using EdgeAgent.Configuration;
using EdgeAgent.Control;
using EdgeAgent.Health;

namespace EdgeAgent.Cli;

public static class StatusCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var socket = new Option<string>("--socket") { Description = "Control socket of the running agent.", DefaultValueFactory = _ => new ControlOptions().SocketPath };
        var json = new Option<bool>("--json") { Description = "Print the health report as JSON (the same as the retained health topic)." };
        var command = new Command("status", "Show the running agent's health: cameras, inputs, broker, outbox, disk, clock. Exit 0 ok, 1 degraded or failing.") { socket, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = new ControlClient(parse.GetValue(socket)!);
            HealthReport? report;
            string body;
            try
            {
                using var response = await client.GetAsync("v1/health", cancellationToken);
                body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    error.WriteLine($"edgeagent status: agent answered {(int)response.StatusCode}: {body}");
                    return ExitCodes.Failure;
                }

                report = System.Text.Json.JsonSerializer.Deserialize<HealthReport>(body, HealthJson.Options);
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
            {
                error.WriteLine($"edgeagent status: no agent listening on {parse.GetValue(socket)}: {ex.Message}");
                error.WriteLine("  is it running? systemctl status edgeagent; for checks without a running agent: edgeagent doctor");
                return ExitCodes.Unavailable;
            }

            if (report is null)
            {
                error.WriteLine("edgeagent status: empty answer from the agent");
                return ExitCodes.Failure;
            }

            if (parse.GetValue(json))
            {
                output.WriteLine(body);
            }
            else
            {
                StatusTable.Write(output, report);
            }

            return report.Status == "ok" ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
