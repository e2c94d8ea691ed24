using System.CommandLine;
using System.Text.Json;

namespace EdgeAgent.Cli;

/// <summary><c>edgeagent snapshot</c>: a camera's current frame with its sharpness drawn on it, for aiming and focusing.</summary>
public static class SnapshotCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var agent = new AgentSocketOptions();
        var camera = new Option<string>("--camera") { Description = "Camera id from the config.", Required = true };
        var file = new Option<string>("--output", "-o") { Description = "JPEG file to write.", Required = true };
        var command = new Command("snapshot", "Save a camera's current frame with its sharpness score drawn on it, for aiming and focusing.") { camera, file };
        agent.AddTo(command);
        var call = new AgentCall("snapshot", agent, error);
        command.SetAction((parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var json = parse.GetValue(agent.Json);
            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (!Directory.Exists(directory))
            {
                var message = $"-o {path}: directory {directory} does not exist";
                error.WriteLine(json ? JsonSerializer.Serialize(new { error = message }, AgentCall.Plain) : $"edgeagent snapshot: {message}");
                return Task.FromResult(ExitCodes.Usage);
            }

            return call.RunAsync(
                parse,
                async client =>
                {
                    using var response = await client.GetAsync($"v1/cameras/{Uri.EscapeDataString(parse.GetValue(camera)!)}/snapshot", cancellationToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        return await call.RefusedAsync(response, json, cancellationToken, $"unknown camera '{parse.GetValue(camera)}'; edgeagent status lists the cameras");
                    }

                    var jpeg = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    try
                    {
                        await File.WriteAllBytesAsync(path, jpeg, cancellationToken);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        error.WriteLine(json ? JsonSerializer.Serialize(new { error = $"cannot write {path}: {ex.Message}" }, AgentCall.Plain) : $"edgeagent snapshot: cannot write {path}: {ex.Message}");
                        return ExitCodes.Failure;
                    }

                    var sharpness = response.Headers.TryGetValues("X-Sharpness", out var values) ? values.First() : null;
                    output.WriteLine(json
                        ? JsonSerializer.Serialize(new { file = path, camera = parse.GetValue(camera), sharpness = sharpness is null ? (double?)null : double.Parse(sharpness, System.Globalization.CultureInfo.InvariantCulture), bytes = jpeg.Length })
                        : $"{path}: camera {parse.GetValue(camera)}, sharpness {sharpness ?? "?"} ({jpeg.Length} bytes)");
                    return ExitCodes.Ok;
                },
                cancellationToken);
        });
        return command;
    }
}
