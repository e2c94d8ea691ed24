using System.CommandLine;
using EdgeAgent.Health;

namespace EdgeAgent.Cli;

/// <summary><c>edgeagent status</c>: the running agent's health as a table (or JSON), with an exit code a monitor can act on.</summary>
public static class StatusCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var agent = new AgentSocketOptions();
        var command = new Command(
            "status",
            "Show the running agent's health: cameras, inputs, broker, outbox, disk, clock. Exit 0 ok, 1 failing (camera, disk, outbox, pipeline), 2 degraded, 3 only the clock is untrusted, 69 no agent.");
        agent.AddTo(command);
        var call = new AgentCall("status", agent, error);
        command.SetAction((parse, cancellationToken) => call.RunAsync(
            parse,
            async client =>
            {
                using var response = await client.GetAsync("v1/health", cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    await call.RefusedAsync(response, parse.GetValue(agent.Json), cancellationToken);
                    return ExitCodes.Failure;
                }

                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var report = System.Text.Json.JsonSerializer.Deserialize<HealthReport>(body, HealthJson.Options);
                if (report is null)
                {
                    error.WriteLine("edgeagent status: empty answer from the agent");
                    return ExitCodes.Failure;
                }

                if (parse.GetValue(agent.Json))
                {
                    output.WriteLine(body);
                }
                else
                {
                    StatusTable.Write(output, report);
                }

                return ExitCodeOf(report);
            },
            cancellationToken));
        return command;
    }

    /// <summary>Failing beats degraded beats an untrusted clock: a monitor can page on 1, ticket on 2 and only note 3.</summary>
    public static int ExitCodeOf(HealthReport report)
    {
        if (report.Status == "failing")
        {
            return ExitCodes.Failure;
        }

        var others = report.Problems.Count(p => !p.StartsWith(HealthCollector.ClockProblemPrefix, StringComparison.Ordinal));
        return others > 0 ? ExitCodes.Degraded : !report.Clock.Synchronised ? ExitCodes.ClockUntrusted : ExitCodes.Ok;
    }
}
