using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using EdgeAgent.Capture;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Scanning;

/// <summary>
/// Runs one reader per configured scanner and keeps it alive: a missing or unplugged device is retried every
/// <see cref="ScannerOptions.ReconnectMs"/>, logged once per outage; garbage never stops a reader.
/// </summary>
public sealed partial class ScannerService(
    IOptions<EdgeAgentOptions> options,
    ScanRouter router,
    TimeProvider timeProvider,
    ILogger<ScannerService> logger,
    CameraRegistry? cameras = null) : BackgroundService
{
    private readonly ConcurrentDictionary<string, bool> connected = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, string> faults = new(StringComparer.Ordinal);

    /// <summary>Whether each scanner's device is open now.</summary>
    public IReadOnlyDictionary<string, bool> Connected => connected;

    /// <summary>Why a scanner's device is not open (it failed to open, or hung up); absent while open or not yet tried.</summary>
    public IReadOnlyDictionary<string, string> Faults => faults;

    /// <summary>Raised after a scanner's device was opened (first time or again after an outage).</summary>
    public event Action<string>? DeviceOpened;

    /// <summary>Raised when a scanner's device could not be opened or hung up; <see cref="Faults"/> holds why.</summary>
    public event Action<string>? DeviceLost;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Value.Scanning.Scanners.Select(s => SuperviseAsync(s, stoppingToken)));

    private async Task SuperviseAsync(ScannerOptions scanner, CancellationToken cancellationToken)
    {
        var maxLength = options.Value.Scanning.MaxLineLength;
        IScanReader reader = scanner.Kind switch
        {
            "serial" => new SerialScanReader(scanner, maxLength),
            "camera-qr" => new CameraQrReader(scanner, cameras ?? throw new InvalidOperationException("camera-qr scanners need the camera registry"), maxLength, timeProvider),
            _ => new EvdevScanReader(scanner, maxLength, logger),
        };
        connected[scanner.Id] = false;
        var down = new StrongBox<bool>(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await reader.RunAsync(() => OnOpened(scanner, down), line => router.Accept(scanner, line), cancellationToken);
                Log.HungUp(logger, scanner.Id, Describe(scanner));
                faults[scanner.Id] = $"{Describe(scanner)} hung up (unplugged?)";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                faults[scanner.Id] = $"{Describe(scanner)}: {ex.Message}";
                if (!down.Value)
                {
                    Log.Unavailable(logger, scanner.Id, Describe(scanner), ex.Message, scanner.ReconnectMs);
                }
            }

            down.Value = true;
            connected[scanner.Id] = false;
            DeviceLost?.Invoke(scanner.Id);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(scanner.ReconnectMs), timeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnOpened(ScannerOptions scanner, StrongBox<bool> down)
    {
        faults.TryRemove(scanner.Id, out _);
        connected[scanner.Id] = true;
        Log.Opened(logger, scanner.Id, scanner.Kind, Describe(scanner), down.Value);
        down.Value = false;
        DeviceOpened?.Invoke(scanner.Id);
    }

    private static string Describe(ScannerOptions scanner) => scanner.Kind == "camera-qr" ? $"camera {scanner.Camera}" : scanner.Path;
}
