using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeAgent.Health;

/// <summary>
/// Sends sd_notify datagrams (<c>READY=1</c>, <c>WATCHDOG=1</c>, <c>STATUS=…</c>) to a given socket path.
/// Used when the agent is given a <c>NOTIFY_SOCKET</c> without being systemd's child (containers, tests),
/// where <c>UseSystemd()</c> stays inactive. A path starting with <c>@</c> is in the abstract namespace.
/// </summary>
public sealed class NotifySocketNotifier(string? socketPath) : ISystemdNotifier
{
    public bool IsEnabled => !string.IsNullOrEmpty(socketPath);

    public static NotifySocketNotifier FromEnvironment() => new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));

    public void Notify(ServiceState state)
    {
        if (!IsEnabled)
        {
            return;
        }

        var path = socketPath![0] == '@' ? "\0" + socketPath[1..] : socketPath;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.UTF8.GetBytes(state.ToString()));
        }
        catch (SocketException)
        {
            // Like sd_notify(3): a missing manager is not the service's failure.
        }
    }
}
