using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace EdgeAgent.Configuration;

/// <summary>A parsed broker URL: <c>mqtt://host:port</c> or <c>mqtts://host:port</c>.</summary>
public sealed record BrokerEndpoint(string Host, int Port, bool UseTls)
{
    public bool IsLoopback =>
        Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

    public static BrokerEndpoint Parse(string url) =>
        TryParse(url, out var endpoint, out var error) ? endpoint : throw new FormatException(error);

    public static bool TryParse(string url, [NotNullWhen(true)] out BrokerEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{url}' is not a URL; expected mqtts://host:8883 or mqtt://host:1883";
            return false;
        }

        bool tls;
        switch (uri.Scheme)
        {
            case "mqtt":
                tls = false;
                break;
            case "mqtts":
                tls = true;
                break;
            default:
                error = $"scheme '{uri.Scheme}' is not supported; expected mqtts:// or mqtt://";
                return false;
        }

        var port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? 8883 : 1883) : uri.Port;
        endpoint = new BrokerEndpoint(uri.Host, port, tls);
        error = null;
        return true;
    }

    public override string ToString() => $"{(UseTls ? "mqtts" : "mqtt")}://{Host}:{Port}";
}
