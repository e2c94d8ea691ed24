using System.Globalization;

namespace EdgeAgent.Cli;

/// <summary>
/// Where an unexpected command-line exception goes in full, so the user sees one line and a path, never a stack
/// trace: <c>$XDG_STATE_HOME/edgeagent/cli-errors.log</c> (default <c>~/.local/state/edgeagent/cli-errors.log</c>).
/// </summary>
public static class CrashLog
{
    public static string Path
    {
        get
        {
            var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
            if (string.IsNullOrEmpty(state))
            {
                state = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
            }

            return System.IO.Path.Combine(state, "edgeagent", "cli-errors.log");
        }
    }

    /// <summary>Appends the exception with the command line and time; returns the file, or null when it cannot be written.</summary>
    public static string? TryWrite(string[] args, Exception exception)
    {
        try
        {
            var path = Path;
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:O} edgeagent {string.Join(' ', args)}\n{exception}\n\n"));
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
