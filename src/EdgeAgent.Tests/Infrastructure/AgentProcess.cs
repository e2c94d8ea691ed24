using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.Control;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>
/// The real <c>edgeagent run</c> as a child process (<c>dotnet edgeagent.dll</c>), killable with SIGKILL. The
/// benchmark compiles this same file in (bench/EdgeAgent.Bench, <c>BenchAgent</c>) for its CPU, memory and start-up figures.
/// </summary>
public sealed class AgentProcess : IDisposable
{
    private readonly Process process;

    private AgentProcess(Process process, string socketPath)
    {
        this.process = process;
        SocketPath = socketPath;
    }

    public string SocketPath { get; }

    public int Pid => process.Id;

    /// <summary>From the process start until the control socket answered (READY=1 is sent at the same moment).</summary>
    public TimeSpan StartupToReady { get; private set; }

    public static string AgentDll => Path.Combine(AppContext.BaseDirectory, "edgeagent.dll");

    /// <summary>The process's peak resident set size (VmHWM from /proc), in bytes.</summary>
    public long PeakRssBytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
    }

    /// <summary>Everything the agent wrote to stdout and stderr.</summary>
    public List<string> Output { get; } = [];

    /// <param name="umask">Runs the agent under this umask (e.g. "022", as a shell outside systemd would).</param>
    /// <param name="networkNamespace">Runs the agent inside this network namespace (<c>ip netns exec</c>).</param>
    /// <param name="readyTimeout">How long the agent may take to answer on its control socket (30 s unless given).</param>
    public static async Task<AgentProcess> StartAsync(string configPath, string socketPath, IDictionary<string, string>? environment = null, string? umask = null, string? networkNamespace = null, TimeSpan? readyTimeout = null)
    {
        var info = Launcher(umask, networkNamespace);
        info.ArgumentList.Add(AgentDll);
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(configPath);
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var started = Stopwatch.StartNew();
        var agent = new AgentProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"), socketPath);
        agent.process.OutputDataReceived += (_, e) => agent.Add(e.Data);
        agent.process.ErrorDataReceived += (_, e) => agent.Add(e.Data);
        agent.process.BeginOutputReadLine();
        agent.process.BeginErrorReadLine();
        await agent.WaitUntilControllableAsync(readyTimeout ?? TimeSpan.FromSeconds(30));
        agent.StartupToReady = started.Elapsed;
        return agent;
    }

    /// <summary>Manual trigger through the control socket; returns the ids of the records durably written.</summary>
    public async Task<IReadOnlyList<Guid>> TriggerAsync(string? step, string point = "conveyor-1")
    {
        using var client = new ControlClient(SocketPath);
        using var response = await client.TriggerAsync(new TriggerRequest(point, null, null, step, "tester", "test"));
        response.EnsureSuccessStatusCode();
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("records").EnumerateArray().Select(e => e.GetGuid())];
    }

    /// <summary>SIGTERM, as <c>systemctl stop</c> does; returns the exit code.</summary>
    public Task<int> TerminateAsync(TimeSpan timeout) => Signals.TerminateAsync(process, timeout);
    /// <summary>A manual trigger that may be refused: the status code and the body, whatever they are.</summary>
    public async Task<(int Status, string Body)> TryTriggerAsync(string step)
    {
        using var client = new ControlClient(SocketPath);
        using var response = await client.TriggerAsync(new TriggerRequest("conveyor-1", null, null, step, "tester", "test"));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Raw POST of <paramref name="body"/> to <c>/v1/trigger</c>, for malformed-input tests.</summary>
    public async Task<(int Status, string Body)> PostTriggerBytesAsync(byte[] body)
    {
        using var client = new ControlClient(SocketPath);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync("v1/trigger", content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Frames received so far, summed over the agent's cameras (from <c>v1/status</c>), to state the frame rate a CPU window saw.</summary>
    public async Task<long> FramesReceivedAsync()
    {
        using var client = new ControlClient(SocketPath);
        using var response = await client.GetAsync("v1/status");
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return status["cameras"]!.AsArray().Sum(c => (long?)c!["lastFrameSequence"] ?? 0);
    }

    /// <summary><c>GET /v1/health</c>: the status code and the parsed body (null when it is not JSON).</summary>
    public async Task<(int Status, System.Text.Json.JsonElement? Report)> HealthAsync()
    {
        using var client = new ControlClient(SocketPath);
        using var response = await client.GetAsync("v1/health");
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return ((int)response.StatusCode, System.Text.Json.JsonDocument.Parse(text).RootElement.Clone());
        }
        catch (System.Text.Json.JsonException)
        {
            return ((int)response.StatusCode, null);
        }
    }

    /// <summary>
    /// Polls <c>/v1/health</c> until <paramref name="condition"/> holds (a foreign process has no event to await);
    /// fails with the last report after <paramref name="timeout"/>.
    /// </summary>
    public async Task<System.Text.Json.JsonElement> WaitForHealthAsync(Func<System.Text.Json.JsonElement, bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        System.Text.Json.JsonElement? last = null;
        while (true)
        {
            var (status, report) = await HealthAsync();
            if (status == 200 && report is { } r)
            {
                last = r;
                if (condition(r))
                {
                    return r;
                }
            }

            try
            {
                await Task.Delay(100, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"health never met the condition within {timeout}; last: {last}");
            }
        }
    }

    /// <summary>SIGTERM and wait for a clean exit (SQLite checkpoints its WAL on close).</summary>
    public async Task StopAsync()
    {
        if (!process.HasExited)
        {
            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            {
                await term.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    /// <summary>Runs the agent's <c>dotnet</c> directly, or through a shell that sets the umask, or inside a network namespace.</summary>
    private static ProcessStartInfo Launcher(string? umask, string? networkNamespace)
    {
        var info = new ProcessStartInfo(networkNamespace is null ? (umask is null ? "dotnet" : "/bin/sh") : "ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (networkNamespace is not null)
        {
            foreach (var argument in new[] { "netns", "exec", networkNamespace, umask is null ? "dotnet" : "/bin/sh" })
            {
                info.ArgumentList.Add(argument);
            }
        }

        if (umask is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"umask {umask} && exec dotnet \"$@\"");
            info.ArgumentList.Add("sh");
        }

        return info;
    }

    /// <summary>SIGKILL, as a crash or a power cut would.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (Output)
            {
                Output.Add(line);
            }
        }
    }

    private async Task WaitUntilControllableAsync(TimeSpan within)
    {
        // Poll the control socket: the event-free way to learn a foreign process is ready. Bounded.
        using var timeout = new CancellationTokenSource(within);
        using var client = new ControlClient(SocketPath);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("edgeagent exited: " + string.Join("\n", Output));
            }

            try
            {
                using var response = await client.GetAsync("v1/status", timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
        GC.SuppressFinalize(this);
    }
}
