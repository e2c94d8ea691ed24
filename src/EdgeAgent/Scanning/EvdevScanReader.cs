using EdgeAgent.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Scanning;

/// <summary>
/// A USB HID scanner that acts as a keyboard, read from its evdev node (<c>/dev/input/by-id/...-event-kbd</c>)
/// with an exclusive grab (EVIOCGRAB) so scans do not also type into a console. A FIFO works too (no grab).
/// </summary>
internal sealed partial class EvdevScanReader(ScannerOptions scanner, int maxLength, ILogger logger) : IScanReader
{
    private const int ENotTty = 25, EInval = 22;

    public Task RunAsync(Action connected, Action<ScanLine> line, CancellationToken cancellationToken = default) =>
        Task.Factory.StartNew(() => Run(connected, line, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(Action connected, Action<ScanLine> line, CancellationToken cancellationToken)
    {
        using var file = UnixInputFile.Open(scanner.Path);
        if (scanner.Grab)
        {
            var errno = file.Grab();
            if (errno is ENotTty or EInval)
            {
                Log.NoGrab(logger, scanner.Id, scanner.Path);
            }
            else if (errno != 0)
            {
                Log.GrabFailed(logger, scanner.Id, scanner.Path, errno);
            }
        }

        connected();
        var decoder = new EvdevDecoder(maxLength);
        var buffer = new byte[EvdevDecoder.EventSize * 64];
        while (true)
        {
            var n = file.Read(buffer, cancellationToken);
            if (n == 0)
            {
                return;
            }

            foreach (var scanned in decoder.Push(buffer.AsSpan(0, n)))
            {
                line(scanned);
            }
        }
    }
}
