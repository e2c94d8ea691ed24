using System.Net.Sockets;

namespace EdgeAgent.Uplink;

/// <summary>
/// One line for a broker error that says why: MQTTnet's "Error while connecting with host" carries its cause
/// (connection refused, name not resolved, TLS rejected) only in inner exceptions, and a refused CONNECT names its
/// result code only in its own message.
/// </summary>
public static class ConnectionError
{
    public static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            var text = e switch
            {
                SocketException socket => $"{socket.Message} ({socket.SocketErrorCode})",
                _ => e.Message.TrimEnd('.'),
            };
            if (text.Length > 0 && !parts.Contains(text, StringComparer.Ordinal))
            {
                parts.Add(text);
            }
        }

        return string.Join(": ", parts);
    }
}
