using System.Device.Gpio;
using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.Capture;
using EdgeAgent.Configuration;
using EdgeAgent.Hosting;
using EdgeAgent.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Bench;

/// <summary>
/// Trigger → record at the broker, and the age of the delivered frame at the trigger, for EdgeAgent and for the
/// do-it-yourself pipeline sites use today (gpiomon runs <c>ffmpeg -frames:v 1</c> then <c>mosquitto_pub -f</c>).
/// </summary>
public static class LatencyBenchmark
{
    public sealed record Result(List<double> LatencyMs, List<double> FrameOffsetMs);

    public static async Task<Result> EdgeAgentAsync(BenchOptions options, string brokerUrl, string streamUrl)
    {
        var directory = Path.Combine(options.WorkDirectory, "latency-agent");
        Directory.CreateDirectory(directory);
        var config = new JsonObject
        {
            ["DeviceId"] = "bench-latency",
            ["SiteId"] = "bench",
            ["StateDirectory"] = directory,
            ["Broker"] = new JsonObject { ["Url"] = brokerUrl, ["RequireReceipts"] = false },
            ["Gpio"] = new JsonObject { ["Driver"] = "simulated" },
            ["Control"] = new JsonObject { ["SocketPath"] = Path.Combine(directory, "control.sock") },
            ["Points"] = new JsonArray(new JsonObject { ["Id"] = "p1", ["Cameras"] = new JsonArray("cam-1") }),
            ["Cameras"] = new JsonArray(new JsonObject { ["Id"] = "cam-1", ["Kind"] = "ffmpeg", ["Url"] = streamUrl, ["Width"] = options.Width, ["Height"] = options.Height }),
            // gpiomon has no debounce either: compare like with like.
            ["Inputs"] = new JsonArray(new JsonObject { ["Id"] = "lock-a", ["Point"] = "p1", ["Chip"] = 0, ["Line"] = 17, ["DebounceMs"] = 0 }),
        };
        var path = Path.Combine(directory, "edgeagent.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());

        await using var watcher = await BrokerWatcher.StartAsync(brokerUrl, "edgeagent/v1/bench-latency/#");
        await using var app = AgentHost.Build(ConfigLoader.Build(path), configureLogging: l => l.ClearProviders());
        await app.StartAsync();
        await app.Services.GetRequiredService<CameraRegistry>().Get("cam-1").NextFrameAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var gpio = app.Services.GetRequiredService<GpioDriverProvider>().GetSimulated(0);

        var result = new Result([], []);
        for (var i = 0; i < options.Triggers; i++)
        {
            await Task.Delay(200 + Random.Shared.Next(100)); // independent triggers, not phase-locked to the camera
            var at = DateTimeOffset.UtcNow;
            var start = Stopwatch.GetTimestamp();
            gpio.SetInput(17, i % 2 == 0 ? PinValue.Low : PinValue.High);
            var arrival = await watcher.NextAsync(TimeSpan.FromSeconds(30));
            Record(result, start, at, arrival);
        }

        await app.StopAsync();
        return result;
    }

    public static async Task<Result> DoItYourselfAsync(BenchOptions options, string brokerUrl, string streamUrl)
    {
        var port = new Uri(brokerUrl).Port;
        var image = Path.Combine(options.WorkDirectory, "diy.jpg");
        Directory.CreateDirectory(options.WorkDirectory);
        await using var watcher = await BrokerWatcher.StartAsync(brokerUrl, "diy/#");
        var result = new Result([], []);
        for (var i = 0; i < options.Triggers; i++)
        {
            await Task.Delay(200 + Random.Shared.Next(100));
            var at = DateTimeOffset.UtcNow;
            var start = Stopwatch.GetTimestamp();
            // What gpiomon would run on the edge.
            var script = $"ffmpeg -hide_banner -loglevel error -i '{streamUrl}' -frames:v 1 -f image2 -y '{image}' && mosquitto_pub -h 127.0.0.1 -p {port} -q 1 -t diy/photo -f '{image}'";
            using var shell = Process.Start(new ProcessStartInfo("bash", ["-c", script]) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardError = true })!;
            var errors = shell.StandardError.ReadToEndAsync();
            await shell.WaitForExitAsync();
            if (shell.ExitCode != 0)
            {
                throw new InvalidOperationException($"the do-it-yourself pipeline failed: {await errors}");
            }

            var arrival = await watcher.NextAsync(TimeSpan.FromSeconds(30));
            Record(result, start, at, arrival);
        }

        return result;
    }

    private static void Record(Result result, long start, DateTimeOffset at, BrokerWatcher.Arrival arrival)
    {
        result.LatencyMs.Add(Stopwatch.GetElapsedTime(start, arrival.Timestamp).TotalMilliseconds);
        if (arrival.Image is not null)
        {
            var frame = JpegEncoder.Decode(arrival.Image);
            var produced = DateTimeOffset.FromUnixTimeMilliseconds(FrameClockStripe.Read(frame.Pixels, frame.Width));
            // Produced − trigger, as frame.offsetMs in records: negative = produced before the trigger.
            result.FrameOffsetMs.Add((produced - at).TotalMilliseconds);
        }
    }
}
