using EdgeAgent.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EdgeAgent.Control;

/// <summary>Where the control API listens: its Unix socket (0660), and optionally a loopback port for metrics.</summary>
public static class ControlListeners
{
    /// <summary>Adds the optional Prometheus listener: loopback only, never a wildcard address.</summary>
    public static void ListenForMetrics(KestrelServerOptions kestrel, HealthOptions health)
    {
        if (health.MetricsPort is { } port)
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, port);
        }
    }

    /// <summary>
    /// Sets the listening socket to exactly 0660 once it exists: its owner and group may connect, nobody else.
    /// Until then the process umask applies (0755 by default, so only the owner can connect).
    /// </summary>
    public static void RestrictSocket(string socketPath)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(socketPath))
        {
            File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        }
    }
}
