using System.Threading.Channels;
using EdgeAgent.Scanning;

namespace EdgeAgent.Tests.Scanning;

/// <summary>A real <see cref="ScannerService"/> and <see cref="ScanRouter"/> feeding a <see cref="TriggerBus"/>, for one scanner.</summary>
internal sealed class ScannerHarness : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Channel<string> opened = Channel.CreateUnbounded<string>();

    public ScannerHarness(ScannerOptions scanner)
    {
        var options = new EdgeAgentOptions { DeviceId = "d", SiteId = "s", Points = [new PointOptions { Id = "conveyor-1" }] };
        options.Scanning.Scanners.Add(scanner);
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        Router = new ScanRouter(wrapped, Bus, TimeProvider.System, NullLogger<ScanRouter>.Instance);
        Service = new ScannerService(wrapped, Router, TimeProvider.System, NullLogger<ScannerService>.Instance);
        Service.DeviceOpened += id => opened.Writer.TryWrite(id);
    }

    public TriggerBus Bus { get; } = new();

    public ScanRouter Router { get; }

    public ScannerService Service { get; }

    public Task StartAsync() => Service.StartAsync(CancellationToken.None);

    /// <summary>Waits until the reader has (re)opened its device.</summary>
    public async Task WaitOpenedAsync() => await opened.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    public async Task<TriggerEvent> NextTriggerAsync() => await Bus.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    public async ValueTask DisposeAsync()
    {
        await Service.StopAsync(CancellationToken.None).WaitAsync(Timeout);
        Service.Dispose();
    }
}
