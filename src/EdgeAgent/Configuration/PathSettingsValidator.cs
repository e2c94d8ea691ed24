using System.Text;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Configuration;

/// <summary>
/// Path settings the kernel cannot honour are refused at start-up, naming the key: an empty or over-long
/// <c>Control:SocketPath</c> (a Unix socket path fits in <c>sun_path</c>, 107 bytes), a socket path that names
/// something other than a socket (it would be deleted as a stale socket), and a <c>StateDirectory</c> on a kernel
/// pseudo file system.
/// </summary>
public sealed class PathSettingsValidator : IValidateOptions<EdgeAgentOptions>
{
    /// <summary><c>sun_path</c> is 108 bytes on Linux, including the terminating NUL.</summary>
    public const int MaxSocketPathBytes = 107;

    private static readonly string[] PseudoFileSystems = ["/proc", "/sys", "/dev"];

    public ValidateOptionsResult Validate(string? name, EdgeAgentOptions options)
    {
        var errors = new List<string>();
        CheckSocketPath(options.Control.SocketPath, errors);
        CheckStateDirectory(options.StateDirectory, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckSocketPath(string? socketPath, List<string> errors)
    {
        const string Key = "Control:SocketPath";
        if (string.IsNullOrWhiteSpace(socketPath))
        {
            errors.Add($"{Key}: must name a Unix socket file, e.g. /run/edgeagent/control.sock");
            return;
        }

        string full;
        try
        {
            full = Path.GetFullPath(socketPath);
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{Key}: '{socketPath}' is not a valid path ({ex.Message})");
            return;
        }

        var bytes = Encoding.UTF8.GetByteCount(full);
        if (bytes > MaxSocketPathBytes)
        {
            errors.Add($"{Key}: '{full}' is {bytes} bytes; a Unix socket path must be at most {MaxSocketPathBytes} bytes (sun_path), e.g. /run/edgeagent/control.sock");
        }
        else if (!OperatingSystem.IsWindows() && Platform.FileKind.IsSomethingOtherThanASocket(full))
        {
            errors.Add($"{Key}: '{full}' exists and is not a socket; it is never deleted: remove it yourself or choose another path");
        }
    }

    private static void CheckStateDirectory(string? stateDirectory, List<string> errors)
    {
        const string Key = "StateDirectory";
        if (string.IsNullOrWhiteSpace(stateDirectory))
        {
            errors.Add($"{Key}: must name a directory on a real disk, e.g. /var/lib/edgeagent");
            return;
        }

        string full;
        try
        {
            full = Path.GetFullPath(stateDirectory);
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{Key}: '{stateDirectory}' is not a valid path ({ex.Message})");
            return;
        }

        if (PseudoFileSystems.FirstOrDefault(p => full == p || full.StartsWith(p + "/", StringComparison.Ordinal)) is { } pseudo)
        {
            errors.Add($"{Key}: '{full}' is under {pseudo}, a kernel pseudo file system that cannot hold evidence; use a directory on a real disk, e.g. /var/lib/edgeagent");
        }
    }
}
