using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeAgent.Control;
using EdgeAgent.Health;

namespace EdgeAgent.Cli;

/// <summary>
/// <c>edgeagent commission --camera ID</c>: once the camera is aimed and focused, stores its current view as the
/// reference through the running agent; health then reports how well each new frame matches it.
/// </summary>
public static class CommissionCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var agent = new AgentSocketOptions();
        var camera = new Option<string>("--camera") { Description = "Camera id from the config.", Required = true };
        var command = new Command("commission", "Store a camera's current view as its scene reference, so health notices when it is turned or obstructed.") { camera };
        agent.AddTo(command);
        var call = new AgentCall("commission", agent, error);
        command.SetAction((parse, cancellationToken) => call.RunAsync(
            parse,
            async client =>
            {
                var id = parse.GetValue(camera)!;
                using var response = await client.PostAsync($"v1/cameras/{Uri.EscapeDataString(id)}/reference", cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return await call.RefusedAsync(response, parse.GetValue(agent.Json), cancellationToken, $"unknown camera '{id}'; edgeagent status lists the cameras");
                }

                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (parse.GetValue(agent.Json))
                {
                    output.WriteLine(body);
                    return ExitCodes.Ok;
                }

                var result = JsonSerializer.Deserialize<CommissionResult>(body, HealthJson.Options)!;
                var q = result.Quality;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"camera {result.Camera}: reference view {(result.Replaced ? "replaced" : "stored")}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sharpness {q.Sharpness:0.0}, brightness {q.Brightness:0}, contrast {q.Contrast:0.0}, flags {(q.Flags.Count == 0 ? "none" : string.Join(", ", q.Flags))}"));
                output.WriteLine("  health now reports the scene match of every new frame against it (edgeagent status)");
                return ExitCodes.Ok;
            },
            cancellationToken));
        return command;
    }
}
