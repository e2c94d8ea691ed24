using System.Text.Json.Nodes;

namespace EdgeAgent.Tests.Cli;

/// <summary>A bad config never starts the daemon: it names the offending key and exits 78 (EX_CONFIG).</summary>
public sealed class RunCommandConfigTests
{
    public static TheoryData<string, string> BrokenConfigs() => new()
    {
        { "missing-broker", "Broker:Url" },
        { "bad-camera-kind", "Cameras:0:Kind: must be" },
        { "ffmpeg-camera-without-url", "Cameras:0:Url" },
        { "input-unknown-point", "Inputs:0:Point: unknown point 'nowhere'" },
        { "plain-mqtt-to-remote-broker", "Broker:Url: plain mqtt://" },
        { "bad-device-id", "DeviceId" },
        { "point-unknown-camera", "Points:0:Cameras: unknown camera 'cam-9'" },
    };

    [Theory]
    [MemberData(nameof(BrokenConfigs))]
    public async Task Broken_config_names_the_key_and_exits_78(string breakage, string expectedKey)
    {
        using var temp = new TempDirectory();
        var config = AgentConfig.Baseline(temp.Path, "mqtt://127.0.0.1:1");
        Break(config, breakage);
        var path = AgentConfig.Write(temp.Path, config);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await EdgeAgentCli.InvokeAsync(["run", "--config", path], output, error);

        Assert.Equal(78, exit);
        Assert.Contains(expectedKey, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_that_is_not_json_exits_78_with_the_file_name()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("edgeagent.json");
        await File.WriteAllTextAsync(path, "{ \"DeviceId\": ");
        using var error = new StringWriter();

        Assert.Equal(78, await EdgeAgentCli.InvokeAsync(["run", "--config", path], TextWriter.Null, error));
        Assert.Contains("not valid JSON", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_config_file_exits_78()
    {
        using var error = new StringWriter();
        Assert.Equal(78, await EdgeAgentCli.InvokeAsync(["run", "--config", "/nonexistent/edgeagent.json"], TextWriter.Null, error));
        Assert.Contains("/nonexistent/edgeagent.json", error.ToString(), StringComparison.Ordinal);
    }

    private static void Break(JsonObject config, string breakage)
    {
        switch (breakage)
        {
            case "missing-broker":
                config.Remove("Broker");
                break;
            case "bad-camera-kind":
                config["Cameras"]![0]!["Kind"] = "webcam9000";
                break;
            case "ffmpeg-camera-without-url":
                config["Cameras"]![0]!["Kind"] = "ffmpeg";
                break;
            case "input-unknown-point":
                config["Inputs"]![0]!["Point"] = "nowhere";
                break;
            case "plain-mqtt-to-remote-broker":
                config["Broker"]!["Url"] = "mqtt://broker.example.com:1883";
                break;
            case "bad-device-id":
                config["DeviceId"] = "../../etc";
                break;
            case "point-unknown-camera":
                config["Points"]![0]!["Cameras"] = new JsonArray("cam-9");
                break;
        }
    }
}
