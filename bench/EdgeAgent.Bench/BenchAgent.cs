using System.Text.Json.Nodes;
using EdgeAgent.Tests.Infrastructure;

namespace EdgeAgent.Bench;

/// <summary>The real <c>edgeagent run</c> for CPU, memory and start-up figures: a bench config, started by the tests' <see cref="AgentProcess"/>.</summary>
public static class BenchAgent
{
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
            if (Environment.GetEnvironmentVariable("EDGEAGENT_BENCH_BACKEND") is { Length: > 0 } backend)
            {
                cameraList[^1]!["Backend"] = backend; // e.g. "gstreamer": the previous RTSP path, for a before/after in one setting
            }
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

        return await AgentProcess.StartAsync(path, socket, readyTimeout: TimeSpan.FromSeconds(60));
    }
}
