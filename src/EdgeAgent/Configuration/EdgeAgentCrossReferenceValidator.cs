using Microsoft.Extensions.Options;

namespace EdgeAgent.Configuration;

/// <summary>Checks that span several keys: references between points, cameras and inputs, and broker URL rules.</summary>
public sealed class EdgeAgentCrossReferenceValidator : IValidateOptions<EdgeAgentOptions>
{
    public ValidateOptionsResult Validate(string? name, EdgeAgentOptions options)
    {
        var errors = new List<string>();
        var points = options.Points.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var cameras = options.Cameras.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);

        if (options.Points.Count == 0)
        {
            errors.Add("Points: at least one maintenance point is required, e.g. [{ \"Id\": \"conveyor-1\", \"Cameras\": [\"cam-1\"] }]");
        }

        AddDuplicates(errors, "Points", options.Points.Select(p => p.Id));
        AddDuplicates(errors, "Cameras", options.Cameras.Select(c => c.Id));
        AddDuplicates(errors, "Inputs", options.Inputs.Select(i => i.Id));

        for (var i = 0; i < options.Points.Count; i++)
        {
            foreach (var camera in options.Points[i].Cameras.Where(c => !cameras.Contains(c)))
            {
                errors.Add($"Points:{i}:Cameras: unknown camera '{camera}'; valid: {Known(cameras)}");
            }
        }

        for (var i = 0; i < options.Cameras.Count; i++)
        {
            var camera = options.Cameras[i];
            if (camera.Kind == "ffmpeg" && string.IsNullOrWhiteSpace(camera.Url))
            {
                errors.Add($"Cameras:{i}:Url: an ffmpeg camera needs a stream URL or file path, e.g. \"rtsp://10.0.0.5/stream1\"");
            }

            if (camera.Backend == "gstreamer" && (camera.Kind != "ffmpeg" || camera.Url?.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) != true))
            {
                errors.Add($"Cameras:{i}:Backend: \"gstreamer\" reads rtsp:// streams of Kind \"ffmpeg\" cameras only; use \"auto\" or \"ffmpeg\" for Kind \"{camera.Kind}\" with Url '{CameraUrl.Redact(camera.Url ?? "")}'");
            }

            if (camera.Backend == "managed" && (camera.Kind != "ffmpeg" || camera.Url?.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) != true || camera.Ring != "auto" || camera.Transport != "tcp"))
            {
                errors.Add($"Cameras:{i}:Backend: \"managed\" reads rtsp:// streams of Kind \"ffmpeg\" cameras into the compressed ring over TCP only (Ring \"auto\", Transport \"tcp\"); use \"auto\" for Kind \"{camera.Kind}\" with Url '{CameraUrl.Redact(camera.Url ?? "")}', Ring \"{camera.Ring}\", Transport \"{camera.Transport}\"");
            }

            if (camera.Kind == "v4l2" && (string.IsNullOrWhiteSpace(camera.Url) || !camera.Url.StartsWith("/dev/", StringComparison.Ordinal)))
            {
                errors.Add($"Cameras:{i}:Url: a v4l2 camera needs a device path under /dev, e.g. \"/dev/video0\" or \"/dev/v4l/by-id/usb-...-video-index0\"");
            }
        }

        for (var i = 0; i < options.Inputs.Count; i++)
        {
            var input = options.Inputs[i];
            if (!points.Contains(input.Point))
            {
                errors.Add($"Inputs:{i}:Point: unknown point '{input.Point}'; valid: {Known(points)}");
            }
        }

        foreach (var group in options.Inputs.GroupBy(i => (i.Chip, i.Line)).Where(g => g.Count() > 1))
        {
            errors.Add($"Inputs: gpiochip{group.Key.Chip} line {group.Key.Line} is used by more than one input ({string.Join(", ", group.Select(i => i.Id))})");
        }

        ScanningValidator.Validate(options, errors);
        ValidateBroker(options.Broker, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateBroker(BrokerOptions broker, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(broker.Url))
        {
            return; // reported by the data annotations
        }

        if (!BrokerEndpoint.TryParse(broker.Url, out var endpoint, out var error))
        {
            errors.Add($"Broker:Url: {error}");
            return;
        }

        if (!endpoint.UseTls && !endpoint.IsLoopback && !broker.AllowInsecure)
        {
            errors.Add($"Broker:Url: plain mqtt:// to a non-loopback broker ({endpoint.Host}) sends evidence and credentials unencrypted; use mqtts:// or set Broker:AllowInsecure to true");
        }

        foreach (var (key, path) in new[] { ("CaFile", broker.CaFile), ("ClientCertificateFile", broker.ClientCertificateFile), ("ClientKeyFile", broker.ClientKeyFile), ("PasswordFile", broker.PasswordFile) })
        {
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                errors.Add($"Broker:{key}: file '{path}' does not exist");
            }
        }

        for (var i = 0; i < broker.CollectorKeys.Count; i++)
        {
            if (CollectorKeyFile.Problem(broker.CollectorKeys[i]) is { } problem)
            {
                errors.Add($"Broker:CollectorKeys:{i}: {problem}");
            }
        }

        if (broker.RequireReceipts && broker.CollectorKeys.Count == 0 && !broker.AllowUnsignedReceipts)
        {
            errors.Add("Broker:CollectorKeys: list the collector's public key PEM file(s) (printed by 'edgeagent collect' at start) so the agent deletes a record only on a receipt the collector signed; " +
                       "or set Broker:AllowUnsignedReceipts to true to trust any receipt (then any client that may write this device's receipt topic can delete its evidence)");
        }

        if (string.IsNullOrEmpty(broker.ClientCertificateFile) != string.IsNullOrEmpty(broker.ClientKeyFile))
        {
            errors.Add("Broker:ClientCertificateFile: a client certificate needs both ClientCertificateFile and ClientKeyFile");
        }
    }

    private static void AddDuplicates(List<string> errors, string key, IEnumerable<string> ids)
    {
        foreach (var id in ids.GroupBy(x => x, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            errors.Add($"{key}: id '{id}' is used more than once");
        }
    }

    private static string Known(HashSet<string> ids) => ids.Count == 0 ? "(none configured)" : string.Join(", ", ids.Order(StringComparer.Ordinal));
}
