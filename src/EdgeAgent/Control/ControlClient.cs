using System.Net.Http.Json;
using System.Net.Sockets;

namespace EdgeAgent.Control;

/// <summary>HTTP client for the control socket of a running agent.</summary>
public sealed class ControlClient(string socketPath) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = new Uri("http://edgeagent/"),
        Timeout = TimeSpan.FromSeconds(30),
    };

    public Task<HttpResponseMessage> TriggerAsync(TriggerRequest request, CancellationToken cancellationToken = default) =>
        http.PostAsJsonAsync("v1/trigger", request, cancellationToken);

    public Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellationToken = default) =>
        http.GetAsync(path, cancellationToken);

    public Task<string> GetStringAsync(string path, CancellationToken cancellationToken = default) =>
        http.GetStringAsync(path, cancellationToken);

    public Task<HttpResponseMessage> PostAsync(string path, CancellationToken cancellationToken = default) =>
        http.PostAsync(path, content: null, cancellationToken);

    public Task<HttpResponseMessage> PostAsync(string path, HttpContent content, CancellationToken cancellationToken = default) =>
        http.PostAsync(path, content, cancellationToken);

    public void Dispose() => http.Dispose();
}
