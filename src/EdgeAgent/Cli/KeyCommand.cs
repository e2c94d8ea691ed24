using System.CommandLine;
using System.Security.Cryptography;
using EdgeAgent.Configuration;
using EdgeAgent.Evidence;

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
            EdgeAgentOptions options;
            try
            {
                options = ConfigLoader.Load(ConfigLoader.Build(parse.GetValue(config)!));
            }
            catch (ConfigException ex)
            {
                return EdgeAgentCli.ReportConfigError(error, ex);
            }

            try
            {
                using var key = DeviceKey.LoadOrCreate(options.StateDirectory);
                error.WriteLine($"# device {options.DeviceId}, key id {key.KeyId}{(key.Created ? " (new key created)" : "")}");
                error.WriteLine($"# enrol at the collector as {options.DeviceId}.pem");
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
}
