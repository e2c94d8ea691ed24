using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;

namespace EdgeAgent.Demo;

/// <summary>MQTTnet's in-process broker on a free loopback port, for the demo and tests.</summary>
public sealed class InProcessBroker : IAsyncDisposable
{
    private readonly MqttServer server;

    private InProcessBroker(MqttServer server, int port)
    {
        this.server = server;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"mqtt://127.0.0.1:{Port}";

    public MqttServer Server => server;

    public static async Task<InProcessBroker> StartAsync(CancellationToken cancellationToken = default)
    {
        var port = FreeTcpPort();
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions()
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(options);
        await server.StartAsync().WaitAsync(cancellationToken);
        return new InProcessBroker(server, port);
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await server.StopAsync();
        server.Dispose();
    }
}
