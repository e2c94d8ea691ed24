namespace EdgeAgent.Configuration;

public sealed class ControlOptions
{
    /// <summary>Unix domain socket of the local control API. Created mode 0660; no TCP port is opened.</summary>
    public string SocketPath { get; set; } = "/run/edgeagent/control.sock";
}
