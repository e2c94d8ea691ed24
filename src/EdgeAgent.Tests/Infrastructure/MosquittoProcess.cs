using System.Diagnostics;
using System.Net.Sockets;
using EdgeAgent.Demo;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>
/// A real Debian <c>mosquitto</c> process on a free loopback port, with a config the test can extend
/// (TLS listeners, ACLs, max_packet_size). Killed with SIGKILL on dispose; <see cref="RestartAsync"/> keeps the port.
/// </summary>
public sealed class MosquittoProcess : IAsyncDisposable
{
    private readonly string configPath;
    private Process? process;
    private int launchedAt;

    private MosquittoProcess(string directory, int port, string configPath)
    {
        Directory = directory;
        Port = port;
        this.configPath = configPath;
    }

    public string Directory { get; }

    public int Port { get; }

    public string Url => $"mqtt://127.0.0.1:{Port}";

    /// <summary>The running broker's process id (for CPU figures), or null when it is stopped.</summary>
    public int? Pid => process is { HasExited: false } running ? running.Id : null;

    /// <summary>Starts mosquitto. <paramref name="extraConfig"/> is appended to a config with one plain loopback listener
    /// (pass <paramref name="listener"/> = false to write your own listener lines).</summary>
    public static async Task<MosquittoProcess> StartAsync(string extraConfig = "", bool listener = true, int? port = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "edgeagent-mosquitto-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        for (var attempt = 1; ; attempt++)
        {
            var chosen = port ?? InProcessBroker.FreeTcpPort();
            var config = Path.Combine(directory, "mosquitto.conf");
            var text = (listener ? $"listener {chosen} 127.0.0.1\nallow_anonymous true\n" : "") +
                       $"persistence false\nlog_dest stderr\n{extraConfig}\n";
            await File.WriteAllTextAsync(config, text);
            var broker = new MosquittoProcess(directory, chosen, config);
            try
            {
                await broker.LaunchAsync();
                return broker;
            }
            catch (InvalidOperationException) when (listener && port is null && attempt < 5 && broker.Log.Any(l => l.Contains("Address already in use", StringComparison.Ordinal)))
            {
                // Another test's broker took the free port between the probe and the bind: pick another.
            }
        }
    }

    public async Task RestartAsync()
    {
        Kill();
        await LaunchAsync();
    }

    /// <summary>SIGTERM: mosquitto saves its persistence database (sessions, subscriptions, queues) and exits.</summary>
    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    /// <summary>Starts the broker again on the same port and configuration after <see cref="StopAsync"/> or <see cref="Kill"/>.</summary>
    public Task StartAgainAsync() => LaunchAsync();

    /// <summary>SIGKILL, as a crash or power cut would.</summary>
    public void Kill()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            process.WaitForExit();
        }

        process?.Dispose();
        process = null;
    }

    private async Task LaunchAsync()
    {
        var path = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
        var info = new ProcessStartInfo(path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(configPath);
        lock (Log)
        {
            launchedAt = Log.Count; // a restart must find its own listener line, not the one of the run before
        }

        process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto did not start");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (Log) { Log.Add(e.Data); } } };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (Log) { Log.Add(e.Data); } } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await WaitUntilListeningAsync();
    }

    /// <summary>Everything mosquitto logged, for assertions and failure messages.</summary>
    public List<string> Log { get; } = [];

    private async Task WaitUntilListeningAsync()
    {
        // Poll the port: an event-free way to know a foreign process is ready. Bounded, not a sleep-for-sync.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (process!.HasExited)
            {
                throw new InvalidOperationException("mosquitto exited: " + string.Join("\n", Log));
            }

            bool opened;
            lock (Log)
            {
                // Its own listener, not another test's broker that happens to hold the same port.
                opened = Log.Skip(launchedAt).Any(l => l.Contains($"listen socket on port {Port}", StringComparison.Ordinal));
            }

            try
            {
                if (opened)
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync("127.0.0.1", Port, timeout.Token);
                    return;
                }
            }
            catch (SocketException)
            {
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
