using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.Control;

namespace EdgeAgent.Bench;

/// <summary>The real <c>edgeagent run</c> as a child process, for CPU, memory and start-up figures.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string socketPath;

    private AgentProcess(Process process, string socketPath)
    {
        this.process = process;
        this.socketPath = socketPath;
    }

    public int Pid => process.Id;

    public TimeSpan StartupToReady { get; private set; }

    public static string AgentDll => Path.Combine(AppContext.BaseDirectory, "edgeagent.dll");

    /// <summary>
    /// Writes a config with <paramref name="cameras"/> ffmpeg cameras on <paramref name="streamUrl"/> and starts the agent;
    /// <paramref name="preTriggerMegabytes"/> gives each camera a pre-trigger ring and 4 pre-trigger photos per trigger.
    /// </summary>
    public static async Task<AgentProcess> StartAsync(string directory, string brokerUrl, string streamUrl, int cameras, int width, int height, int preTriggerMegabytes = 0)
    {
        Directory.CreateDirectory(directory);
        var cameraList = new JsonArray();
        var ids = new JsonArray();
        for (var i = 1; i <= cameras; i++)
        {
            cameraList.Add(new JsonObject { ["Id"] = $"cam-{i}", ["Kind"] = "ffmpeg", ["Url"] = streamUrl, ["Width"] = width, ["Height"] = height, ["PreTriggerMegabytes"] = preTriggerMegabytes, ["PreTriggerPhotos"] = preTriggerMegabytes > 0 ? 4 : 0 });
            ids.Add($"cam-{i}");
        }

        var socket = Path.Combine(directory, "control.sock");
        var config = new JsonObject
        {
            ["DeviceId"] = "bench-agent",
            ["SiteId"] = "bench",
            ["StateDirectory"] = directory,
            ["Broker"] = new JsonObject { ["Url"] = brokerUrl, ["AllowUnsignedReceipts"] = true },
            ["Gpio"] = new JsonObject { ["Driver"] = "simulated" },
            ["Control"] = new JsonObject { ["SocketPath"] = socket },
            ["Points"] = new JsonArray(new JsonObject { ["Id"] = "p1", ["Cameras"] = ids }),
            ["Cameras"] = cameraList,
        };
        var path = Path.Combine(directory, "edgeagent.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());

        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { AgentDll, "run", "--config", path })
        {
            info.ArgumentList.Add(a);
        }

        var started = Stopwatch.StartNew();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var agent = new AgentProcess(process, socket);
        await agent.WaitReadyAsync(TimeSpan.FromSeconds(60));
        agent.StartupToReady = started.Elapsed;
        return agent;
    }

    /// <summary>A manual trigger through the control socket, as <c>edgeagent trigger</c> sends it; returns once its records are written.</summary>
    public async Task TriggerAsync()
    {
        using var client = new ControlClient(socketPath);
        using var response = await client.TriggerAsync(new TriggerRequest("p1", null, null, null, null, "bench"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Frames received so far, summed over the agent's cameras (from <c>v1/status</c>), to state the frame rate a CPU window saw.</summary>
    public async Task<long> FramesReceivedAsync()
    {
        using var client = new ControlClient(socketPath);
        using var response = await client.GetAsync("v1/status");
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return status["cameras"]!.AsArray().Sum(c => (long?)c!["lastFrameSequence"] ?? 0);
    }

    /// <summary>Ready means the host has started every service: the control socket answers (READY=1 is sent at the same moment).</summary>
    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var client = new ControlClient(socketPath);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"edgeagent exited with {process.ExitCode} before it was ready");
            }

            try
            {
                using var response = await client.GetAsync("v1/status");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("edgeagent did not become ready");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }
}
