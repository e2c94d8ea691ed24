using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>Writes agent config files for tests: a valid baseline that each test can bend.</summary>
public static class AgentConfig
{
    /// <summary>A config with one point, one synthetic camera and one simulated lock input.</summary>
    public static JsonObject Baseline(string stateDirectory, string brokerUrl) => new()
    {
        ["DeviceId"] = "test-device",
        ["SiteId"] = "test-site",
        ["StateDirectory"] = stateDirectory,
        ["Broker"] = new JsonObject { ["Url"] = brokerUrl, ["AllowUnsignedReceipts"] = true }, // tests of receipt signatures enrol a collector key instead
        ["Gpio"] = new JsonObject { ["Driver"] = "simulated" },
        ["Control"] = new JsonObject { ["SocketPath"] = System.IO.Path.Combine(stateDirectory, "control.sock") },
        ["Points"] = new JsonArray(new JsonObject { ["Id"] = "conveyor-1", ["Procedure"] = "conveyor-lockout", ["Cameras"] = new JsonArray("cam-1") }),
        ["Cameras"] = new JsonArray(new JsonObject { ["Id"] = "cam-1", ["Kind"] = "synthetic", ["Width"] = 320, ["Height"] = 240, ["Fps"] = 20 }),
        ["Inputs"] = new JsonArray(new JsonObject { ["Id"] = "lock-a", ["Point"] = "conveyor-1", ["Chip"] = 0, ["Line"] = 17, ["ActiveLow"] = true, ["DebounceMs"] = 0 }),
    };

    public static string Write(string directory, JsonObject config)
    {
        var path = System.IO.Path.Combine(directory, "edgeagent.json");
        File.WriteAllText(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
