using System.CommandLine;
using System.Security.Cryptography;
using EdgeAgent.Configuration;
using EdgeAgent.Protocol;

namespace EdgeAgent.Cli;

/// <summary><c>edgeagent key</c>: prints the device's public signing key (PEM) for enrolment at the collector, creating the key on first use.</summary>
public static class KeyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = new Option<string>("--config", "-c")
        {
            Description = "Configuration file; the key lives in its StateDirectory.",
            DefaultValueFactory = _ => ConfigLoader.DefaultPath,
        };
        var command = new Command("key", "Print this device's public signing key (ECDSA P-256, PEM) for enrolment at the collector as {deviceId}.pem. Creates the key (mode 0600) if there is none yet.")
        {
            config,
        };
        command.SetAction(parse =>
        {
            // Only what the key needs: the device id it is enrolled under and the state directory it lives in.
            // The broker's CA and password files are the agent's business, not this command's.
            string deviceId, stateDirectory;
            try
            {
                (deviceId, stateDirectory) = KeySettings(ConfigLoader.Build(parse.GetValue(config)!));
            }
            catch (ConfigException ex)
            {
                return EdgeAgentCli.ReportConfigError(error, ex);
            }

            try
            {
                using var key = DeviceKey.LoadOrCreate(stateDirectory);
                error.WriteLine($"# device {deviceId}, key id {key.KeyId}{(key.Created ? " (new key created)" : "")}");
                error.WriteLine($"# enrol at the collector as {deviceId}.pem");
                if (key.Created && Environment.IsPrivilegedProcess)
                {
                    error.WriteLine($"# created as root: let the agent's user own it, e.g. chown edgeagent: {key.Path}");
                }

                output.Write(key.PublicKeyPem);
                output.WriteLine();
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                error.WriteLine($"edgeagent key: {ex.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static (string DeviceId, string StateDirectory) KeySettings(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        if (ConfigKeyCheck.Check(configuration, typeof(EdgeAgentOptions)) is { Count: > 0 } shapeErrors)
        {
            throw new ConfigException(shapeErrors);
        }

        var deviceId = configuration[nameof(EdgeAgentOptions.DeviceId)];
        var stateDirectory = configuration[nameof(EdgeAgentOptions.StateDirectory)];
        var errors = new List<string>();
        if (deviceId is null || !System.Text.RegularExpressions.Regex.IsMatch(deviceId, Identifiers.Pattern))
        {
            errors.Add($"DeviceId: {(deviceId is null ? "is required" : Identifiers.Message)}");
        }

        if (stateDirectory is { Length: 0 })
        {
            errors.Add("StateDirectory: must not be empty");
        }

        return errors.Count > 0 ? throw new ConfigException(errors) : (deviceId!, stateDirectory ?? new EdgeAgentOptions().StateDirectory);
    }
}
