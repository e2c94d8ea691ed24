using EdgeAgent.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Capture;

/// <summary>Owns one <see cref="CameraReader"/> per configured camera; starts them with the host.</summary>
public sealed class CameraRegistry : IHostedService, IAsyncDisposable
{
    private readonly Dictionary<string, CameraReader> readers;

    public CameraRegistry(IOptions<EdgeAgentOptions> options, IFrameSourceFactory sources, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        readers = options.Value.Cameras.ToDictionary(
            c => c.Id,
            c => new CameraReader(c.Id, sources.Create(c), timeProvider, loggerFactory.CreateLogger<CameraReader>(), CameraReaderSettings.From(c)),
            StringComparer.Ordinal);
        Settings = options.Value.Cameras.ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    public IReadOnlyDictionary<string, CameraOptions> Settings { get; }

    public IReadOnlyCollection<CameraReader> All => readers.Values;

    public CameraReader Get(string cameraId) => readers[cameraId];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var reader in readers.Values)
        {
            reader.Start();
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var reader in readers.Values)
        {
            await reader.DisposeAsync();
        }
    }
}
