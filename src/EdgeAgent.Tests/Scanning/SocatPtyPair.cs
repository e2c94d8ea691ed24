using System.Diagnostics;

namespace EdgeAgent.Tests.Scanning;

/// <summary>
/// A real pseudo-terminal pair from <c>socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B</c>: the scanner
/// reader opens <see cref="DevicePath"/>, the test writes to <see cref="ScannerPath"/>. Killed on dispose (an unplug).
/// </summary>
internal sealed class SocatPtyPair : IDisposable
{
    private readonly Process process;

    private SocatPtyPair(Process process, string devicePath, string scannerPath)
    {
        this.process = process;
        DevicePath = devicePath;
        ScannerPath = scannerPath;
    }

    public string DevicePath { get; }

    public string ScannerPath { get; }

    public static async Task<SocatPtyPair> StartAsync(string directory)
    {
        var device = Path.Combine(directory, "ttyScanner");
        var scanner = Path.Combine(directory, "scanner-side");
        var info = new ProcessStartInfo("socat") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-d", "-d", $"pty,raw,echo=0,link={device}", $"pty,raw,echo=0,link={scanner}" })
        {
            info.ArgumentList.Add(arg);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(info) ?? throw new InvalidOperationException("socat did not start");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("starting data transfer loop", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return new SocatPtyPair(process, device, scanner);
    }

    /// <summary>Sends bytes as the scanner would.</summary>
    public async Task SendAsync(byte[] bytes)
    {
        await using var port = new FileStream(ScannerPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
        await port.WriteAsync(bytes);
        await port.FlushAsync();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }

        process.Dispose();
    }
}
