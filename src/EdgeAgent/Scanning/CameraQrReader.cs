using EdgeAgent.Capture;
using EdgeAgent.Configuration;

namespace EdgeAgent.Scanning;

/// <summary>
/// QR codes held up to a point's camera: every <see cref="ScannerOptions.ScanIntervalMs"/> the newest frame is
/// decoded. A code stays in view for many frames, so the same text is reported again only after
/// <see cref="ScannerOptions.RepeatHoldMs"/> without it. The payload goes through the same validation as any scan.
/// </summary>
internal sealed class CameraQrReader(ScannerOptions scanner, CameraRegistry cameras, int maxLength, TimeProvider timeProvider) : IScanReader
{
    public async Task RunAsync(Action connected, Action<ScanLine> line, CancellationToken cancellationToken = default)
    {
        var camera = cameras.All.FirstOrDefault(c => c.CameraId == scanner.Camera)
            ?? throw new InvalidOperationException($"camera '{scanner.Camera}' is not configured");
        using var decoder = new QrFrameDecoder();
        connected();
        string? lastText = null;
        var lastSeen = 0L;
        while (true)
        {
            var frame = await camera.NextFrameAsync(cancellationToken);
            var payload = await Task.Run(() => decoder.Decode(frame.Image), cancellationToken);
            if (payload is not null)
            {
                var scanned = ScanLineAssembler.Validate(payload, 0, maxLength);
                var key = scanned.Text ?? scanned.Rejection;
                var repeat = key == lastText && timeProvider.GetElapsedTime(lastSeen) < TimeSpan.FromMilliseconds(scanner.RepeatHoldMs);
                lastText = key;
                lastSeen = timeProvider.GetTimestamp();
                if (!repeat)
                {
                    line(scanned);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(scanner.ScanIntervalMs), timeProvider, cancellationToken);
        }
    }
}
