using System.IO.Ports;
using EdgeAgent.Configuration;

namespace EdgeAgent.Scanning;

/// <summary>A serial (RS-232 or USB CDC) scanner through System.IO.Ports, with the configured baud rate and terminator.</summary>
internal sealed class SerialScanReader(ScannerOptions scanner, int maxLength) : IScanReader
{
    public async Task RunAsync(Action connected, Action<ScanLine> line, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(scanner.Path))
        {
            throw new FileNotFoundException($"serial device '{scanner.Path}' does not exist", scanner.Path);
        }

        using var port = new SerialPort(scanner.Path, scanner.BaudRate, Parity.None, 8, StopBits.One) { Handshake = Handshake.None };
        port.Open();
        connected();
        var assembler = new ScanLineAssembler(scanner.Terminator, maxLength);
        var buffer = new byte[1024];
        while (true)
        {
            var n = await port.BaseStream.ReadAsync(buffer, cancellationToken);
            if (n == 0)
            {
                return;
            }

            foreach (var scanned in assembler.Push(buffer.AsSpan(0, n)))
            {
                line(scanned);
            }
        }
    }
}
