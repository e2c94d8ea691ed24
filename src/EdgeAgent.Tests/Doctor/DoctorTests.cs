using System.Text.Json.Nodes;
using EdgeAgent.Demo;
using EdgeAgent.Health;
using EdgeAgent.Doctor;
using EdgeAgent.Tests.Deploy;
using EdgeAgent.Tests.Health;

namespace EdgeAgent.Tests.Doctor;

/// <summary><c>edgeagent doctor</c> against a real mosquitto that wants a user name and password.</summary>
public sealed class DoctorTests : IAsyncLifetime
{
    private const string Password = "s3cret-for-doctor";
    private readonly TempDirectory dir = new();
    private MosquittoProcess? broker;

    public async Task InitializeAsync()
    {
        var users = dir.Combine("mosquitto.passwd");
        var made = await ChildProcess.RunAsync("mosquitto_passwd", ["-b", "-c", users, "test-device", Password]);
        Assert.True(made.ExitCode == 0, made.Error);
        var port = InProcessBroker.FreeTcpPort();
        broker = await MosquittoProcess.StartAsync($"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {users}\n", listener: false, port: port);

        var etc = dir.Combine("etc");
        Directory.CreateDirectory(etc);
        File.WriteAllText(Path.Combine(etc, "passwd"), "edgeagent:x:999:995::/var/lib/edgeagent:/usr/sbin/nologin\n");
        File.WriteAllText(Path.Combine(etc, "group"), "gpio:x:999:edgeagent\nvideo:x:998:edgeagent\ninput:x:997:edgeagent\ndialout:x:996:edgeagent\n");
    }

    public async Task DisposeAsync()
    {
        if (broker is not null)
        {
            await broker.DisposeAsync();
        }

        dir.Dispose();
    }

    private string Config(string password, Action<JsonObject>? edit = null)
    {
        var passwordFile = dir.Combine("broker.password");
        File.WriteAllText(passwordFile, password + "\n");
        var config = AgentConfig.Baseline(dir.Path, broker!.Url);
        config["Broker"]!["Username"] = "test-device";
        config["Broker"]!["PasswordFile"] = passwordFile;
        edit?.Invoke(config);
        return AgentConfig.Write(dir.Path, config);
    }

    private async Task<(int Code, string Output)> DoctorAsync(string configPath, string? etc = null)
    {
        using var output = new StringWriter();
        var doctor = new FieldDoctor(new FixedClockSyncProbe(true), new StatvfsDiskSpaceProbe(), etc ?? dir.Combine("etc"));
        var code = await DoctorCommand.RunAsync(doctor, configPath, output);
        return (code, output.ToString());
    }

    [Fact]
    public async Task Doctor_passes_with_the_right_credentials_and_a_live_camera()
    {
        var (code, output) = await DoctorAsync(Config(Password));

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Matches(@"PASS\s+broker\s+connected to mqtt://127\.0\.0\.1:\d+ \(no TLS\) as 'test-device'", output);
        Assert.Matches(@"PASS\s+camera cam-1\s+5 frames 320x240, sharpness \d+", output);
        Assert.Matches(@"WARN\s+agent\s+not running", output);
        Assert.Matches(@"PASS\s+permissions", output);
        Assert.Contains("0 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_fails_on_wrong_credentials_and_says_which_keys_to_fix()
    {
        var (code, output) = await DoctorAsync(Config("wrong-password"));

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Matches(@"FAIL\s+broker\s+.*refused the credentials", output);
        Assert.Contains("fix: check Broker:Username and the password in Broker:PasswordFile", output, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_fails_on_a_dead_camera_and_quotes_ffmpeg()
    {
        var missing = dir.Combine("unplugged.mp4");
        var config = Config(Password, c => c["Cameras"] = new JsonArray(new JsonObject { ["Id"] = "cam-1", ["Kind"] = "ffmpeg", ["Url"] = missing, ["Width"] = 320, ["Height"] = 240 }));

        var (code, output) = await DoctorAsync(config);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Matches(@"FAIL\s+camera cam-1\s+ffmpeg .*unplugged\.mp4.*: no frame: .*No such file or directory", output);
        Assert.Contains("fix: check that the camera is powered and reachable", output, StringComparison.Ordinal);
        Assert.Matches(@"PASS\s+broker", output); // one dead camera does not hide the other results
    }

    [Fact]
    public async Task Doctor_json_lists_every_check_with_its_outcome_and_fix()
    {
        using var output = new StringWriter();
        var doctor = new FieldDoctor(new FixedClockSyncProbe(true), new StatvfsDiskSpaceProbe(), dir.Combine("etc"));

        var code = await DoctorCommand.RunAsync(doctor, Config("wrong-password"), output, json: true);

        Assert.Equal(ExitCodes.Failure, code);
        var results = System.Text.Json.JsonSerializer.Deserialize<List<DoctorResult>>(output.ToString(), HealthJson.Options)!;
        var broker = Assert.Single(results, r => r.Check == "broker");
        Assert.Equal(DoctorOutcome.Fail, broker.Outcome);
        Assert.NotNull(broker.Fix);
        var scene = Assert.Single(results, r => r.Check == "scene cam-1");
        Assert.Equal((DoctorOutcome.Warn, "no scene reference commissioned: a camera that is turned or obstructed goes unnoticed"), (scene.Outcome, scene.Detail));
        Assert.EndsWith("edgeagent commission --camera cam-1", scene.Fix, StringComparison.Ordinal);
        Assert.Equal(["config", "agent", "camera cam-1", "scene cam-1", "fonts", "gpio", "broker", "clock", "disk", "permissions"], results.Select(r => r.Check));
    }

    [Fact]
    public async Task Doctor_on_a_broken_config_names_the_key_and_exits_78()
    {
        var (code, output) = await DoctorAsync(Config(Password, c => c.Remove("DeviceId")));

        Assert.Equal(ExitCodes.Config, code);
        Assert.Matches(@"FAIL\s+config\s+.*DeviceId", output);
    }

    [Fact]
    public async Task Doctor_fails_when_the_agent_user_lacks_a_device_group()
    {
        var etc = dir.Combine("etc-nogpio");
        Directory.CreateDirectory(etc);
        File.WriteAllText(Path.Combine(etc, "passwd"), "edgeagent:x:999:995::/var/lib/edgeagent:/usr/sbin/nologin\n");
        File.WriteAllText(Path.Combine(etc, "group"), "gpio:x:999:\nvideo:x:998:edgeagent\ninput:x:997:edgeagent\ndialout:x:996:pi,edgeagent\n");

        var (code, output) = await DoctorAsync(Config(Password), etc);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Matches(@"FAIL\s+permissions\s+user edgeagent is not in group\(s\) gpio\b", output);
        Assert.Contains("usermod -aG gpio edgeagent", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_on_another_file_checks_that_file_and_reports_the_running_agent_apart()
    {
        await using var agent = await AgentHarness.StartAsync();
        // The running agent's socket, but a camera the running agent does not have: its view must not stand in.
        var other = Config(Password, c =>
        {
            c["Control"]!["SocketPath"] = agent.SocketPath;
            c["Cameras"]![0]!["Kind"] = "ffmpeg";
            c["Cameras"]![0]!["Url"] = dir.Combine("absent.mp4");
        });

        var (code, output) = await DoctorAsync(other);

        Assert.True(code == ExitCodes.Failure, output);
        Assert.Contains($"but it runs {agent.ConfigPath}, not {other}", output, StringComparison.Ordinal);
        Assert.Matches(@"FAIL\s+camera cam-1", output);
        Assert.DoesNotContain("via running agent", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_judges_cameras_from_a_running_agent_instead_of_opening_them_twice()
    {
        await using var agent = await AgentHarness.StartAsync();
        await agent.Get<EdgeAgent.Capture.CameraRegistry>().Get("cam-1").NextFrameAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var (code, output) = await DoctorAsync(agent.ConfigPath);

        Assert.True(code == ExitCodes.Ok, output);
        Assert.Matches(@"PASS\s+agent\s+running, version .*, runs this file", output);
        Assert.Matches(@"PASS\s+camera cam-1\s+via running agent: connected", output);
    }
}
