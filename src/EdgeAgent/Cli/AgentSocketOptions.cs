using System.CommandLine;
using EdgeAgent.Configuration;

namespace EdgeAgent.Cli;

/// <summary>
/// <c>--socket</c> and <c>--config</c>, shared by every command that talks to the running agent. The socket is
/// <c>--socket</c> when given, else <c>Control:SocketPath</c> of <c>--config</c> (default
/// <c>/etc/edgeagent/edgeagent.json</c> when it exists and can be read), else the built-in default.
/// Only that one key is read: a command that needs the socket does not fail over a broker CA file.
/// </summary>
public sealed class AgentSocketOptions
{
    public Option<string?> Socket { get; } = new("--socket") { Description = "Control socket of the running agent (default: Control:SocketPath of --config)." };

    public Option<string?> Config { get; } = new("--config", "-c") { Description = $"The agent's configuration file, to find its control socket (default {ConfigLoader.DefaultPath})." };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the answer as JSON for scripts instead of text." };

    public void AddTo(Command command)
    {
        command.Options.Add(Socket);
        command.Options.Add(Config);
        command.Options.Add(Json);
    }

    /// <summary>The socket path; throws <see cref="ConfigException"/> when an explicit <c>--config</c> cannot be read.</summary>
    public string Resolve(ParseResult parse)
    {
        if (parse.GetValue(Socket) is { Length: > 0 } socket)
        {
            return socket;
        }

        var config = parse.GetValue(Config);
        var path = config ?? ConfigLoader.DefaultPath;
        if (config is null && !Readable(path))
        {
            return new ControlOptions().SocketPath;
        }

        var configured = ConfigLoader.Build(path)["Control:SocketPath"];
        return string.IsNullOrEmpty(configured) ? new ControlOptions().SocketPath : configured;
    }

    private static bool Readable(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
