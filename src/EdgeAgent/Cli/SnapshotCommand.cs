using System.CommandLine;
using System.Net.Sockets;
using EdgeAgent.Configuration;
using EdgeAgent.Control;

namespace EdgeAgent.Cli;

public static class SnapshotCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var socket = new Option<string>("--socket") { Description = "Control socket of the running agent.", DefaultValueFactory = _ => new ControlOptions().SocketPath };
        var camera = new Option<string>("--camera") { Description = "Camera id from the config.", Required = true };
        var file = new Option<string>("--output", "-o") { Description = "JPEG file to write.", Required = true };
        var command = new Command("snapshot", "Save a camera's current frame with its sharpness score drawn on it, for aiming and focusing.") { socket, camera, file };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = new ControlClient(parse.GetValue(socket)!);
            try
            {
                using var response = await client.GetAsync($"v1/cameras/{Uri.EscapeDataString(parse.GetValue(camera)!)}/snapshot", cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    error.WriteLine($"edgeagent snapshot: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                    return ExitCodes.Failure;
                }

                var jpeg = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var path = parse.GetValue(file)!;
                await File.WriteAllBytesAsync(path, jpeg, cancellationToken);
                var sharpness = response.Headers.TryGetValues("X-Sharpness", out var values) ? values.First() : "?";
                output.WriteLine($"{path}: camera {parse.GetValue(camera)}, sharpness {sharpness} ({jpeg.Length} bytes)");
                return ExitCodes.Ok;
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
            {
                error.WriteLine($"edgeagent snapshot: no agent listening on {parse.GetValue(socket)}: {ex.Message}");
                return ExitCodes.Unavailable;
            }
        });
        return command;
    }
}
