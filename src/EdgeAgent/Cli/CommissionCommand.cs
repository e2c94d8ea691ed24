using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using EdgeAgent.Configuration;
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
        var socket = new Option<string>("--socket") { Description = "Control socket of the running agent.", DefaultValueFactory = _ => new ControlOptions().SocketPath };
        var camera = new Option<string>("--camera") { Description = "Camera id from the config.", Required = true };
        var command = new Command("commission", "Store a camera's current view as its scene reference, so health notices when it is turned or obstructed.") { socket, camera };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(camera)!;
            using var client = new ControlClient(parse.GetValue(socket)!);
            try
            {
                using var response = await client.PostAsync($"v1/cameras/{Uri.EscapeDataString(id)}/reference", cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    var why = await ErrorOfAsync(response, cancellationToken);
                    error.WriteLine($"edgeagent commission: {(why.Length == 0 ? $"unknown camera '{id}'; edgeagent status lists the cameras" : why)}");
                    return ExitCodes.Failure;
                }

                var result = (await response.Content.ReadFromJsonAsync<CommissionResult>(HealthJson.Options, cancellationToken))!;
                var q = result.Quality;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"camera {result.Camera}: reference view {(result.Replaced ? "replaced" : "stored")}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sharpness {q.Sharpness:0.0}, brightness {q.Brightness:0}, contrast {q.Contrast:0.0}, flags {(q.Flags.Count == 0 ? "none" : string.Join(", ", q.Flags))}"));
                output.WriteLine("  health now reports the scene match of every new frame against it (edgeagent status)");
                return ExitCodes.Ok;
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
            {
                error.WriteLine($"edgeagent commission: no agent listening on {parse.GetValue(socket)}: {ex.Message}; start it (sudo systemctl start edgeagent) and check with edgeagent doctor");
                return ExitCodes.Unavailable;
            }
        });
        return command;
    }

    /// <summary>The agent's <c>{"error": ...}</c> sentence, the raw body when it is not one, or empty (no such route).</summary>
    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(body))
        {
            return "";
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var message) ? message.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return $"{(int)response.StatusCode} {body}";
        }
    }
}
