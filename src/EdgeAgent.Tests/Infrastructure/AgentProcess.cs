using System.Diagnostics;
using EdgeAgent.Control;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>The real <c>edgeagent run</c> as a child process (<c>dotnet edgeagent.dll</c>), killable with SIGKILL.</summary>
public sealed class AgentProcess : IDisposable
{
    private readonly Process process;

    private AgentProcess(Process process, string socketPath)
    {
        this.process = process;
        SocketPath = socketPath;
    }

    public string SocketPath { get; }

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

    public static async Task<AgentProcess> StartAsync(string configPath, string socketPath, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "edgeagent.dll"));
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(configPath);
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var agent = new AgentProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"), socketPath);
        agent.process.OutputDataReceived += (_, e) => agent.Add(e.Data);
        agent.process.ErrorDataReceived += (_, e) => agent.Add(e.Data);
        agent.process.BeginOutputReadLine();
        agent.process.BeginErrorReadLine();
        await agent.WaitUntilControllableAsync();
        return agent;
    }

    /// <summary>Manual trigger through the control socket; returns the ids of the records durably written.</summary>
    public async Task<IReadOnlyList<Guid>> TriggerAsync(string step)
    {
        using var client = new ControlClient(SocketPath);
        using var response = await client.TriggerAsync(new TriggerRequest("conveyor-1", null, null, step, "tester", "test"));
        response.EnsureSuccessStatusCode();
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("records").EnumerateArray().Select(e => e.GetGuid())];
    }

    /// <summary>SIGTERM, as <c>systemctl stop</c> does; returns the exit code.</summary>
    public Task<int> TerminateAsync(TimeSpan timeout) => Signals.TerminateAsync(process, timeout);

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

    private async Task WaitUntilControllableAsync()
    {
        // Poll the control socket: the event-free way to learn a foreign process is ready. Bounded.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
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
    }
}
