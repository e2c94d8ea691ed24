using System.Diagnostics;
using System.Globalization;

namespace EdgeAgent.Tests.Capture;

/// <summary>
/// A network camera stand-in: Debian <c>ffmpeg -listen 1</c> serving a generated test pattern as an HTTP MJPEG
/// stream on a loopback port. Serves one client; SIGKILL on <see cref="Kill"/> or dispose, as a camera losing power.
/// </summary>
public sealed class FfmpegMjpegServer : IAsyncDisposable
{
    private readonly Process process;
    private bool disposed;

    private FfmpegMjpegServer(int port, Process process)
    {
        Port = port;
        this.process = process;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/cam.mjpg";

    public static async Task<FfmpegMjpegServer> StartAsync(int port, string size = "320x240", int fps = 10)
    {
        var info = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[]
        {
            "-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i", $"testsrc=size={size}:rate={fps}",
            "-q:v", "5", "-f", "mpjpeg", "-listen", "1", $"http://127.0.0.1:{port}/cam.mjpg",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        var server = new FfmpegMjpegServer(port, process);
        await server.WaitUntilListeningAsync();
        return server;
    }

    /// <summary>
    /// Waits for the LISTEN socket in /proc/net/tcp: probing with a connection would use up the one client
    /// that <c>-listen 1</c> serves. ffmpeg closes that socket once it accepts its client, so a client that
    /// connects between two polls (a reconnecting reader) shows as an established connection on the port
    /// instead; either means the server is up. Bounded poll of a foreign process, not a sleep-for-sync.
    /// </summary>
    private async Task WaitUntilListeningAsync()
    {
        var local = $"0100007F:{Port.ToString("X4", CultureInfo.InvariantCulture)}";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!(await File.ReadAllLinesAsync("/proc/net/tcp", timeout.Token)).Any(l => IsListening(l, local)))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("ffmpeg server exited: " + await process.StandardError.ReadToEndAsync(timeout.Token));
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    private static bool IsListening(string line, string local)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 3 && fields[1] == local && fields[3] is "0A" or "01";
    }

    public void Kill()
    {
        if (!disposed && !process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        disposed = true;
        process.Dispose();
        return ValueTask.CompletedTask;
    }
}
