using EdgeAgent.Evidence;
using System.Text.Json;
using EdgeAgent.Health;
using EdgeAgent.Tests.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeAgent.Tests.Control;

public sealed class ControlSocketTests
{
    /// <summary>A running agent with a live synthetic camera, connected to its broker, on a synchronised clock.</summary>
    private static async Task<AgentHarness> StartConnectedAgentAsync()
    {
        var agent = await AgentHarness.BuildAsync(services: s => s.Replace(ServiceDescriptor.Singleton<IClockSyncProbe>(new FixedClockSyncProbe(true))));
        await agent.StartAsync();
        await agent.Get<CameraRegistry>().Get("cam-1").NextFrameAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await agent.UplinkOnline.WaitAsync(TimeSpan.FromSeconds(10));
        return agent;
    }

    private static async Task<(int Code, string Output, string Error)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await EdgeAgentCli.InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Control_socket_is_not_world_accessible()
    {
        await using var agent = await StartConnectedAgentAsync();

        var mode = OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(agent.SocketPath);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode); // 0660
    }

    [Fact]
    public async Task Status_prints_a_table_of_cameras_inputs_broker_outbox_disk_and_clock()
    {
        await using var agent = await StartConnectedAgentAsync();

        var (code, output, error) = await CliAsync("status", "--socket", agent.SocketPath);

        Assert.True(code == 0, output + error);
        Assert.Contains("test-device @ test-site", output, StringComparison.Ordinal);
        Assert.Contains("status OK", output, StringComparison.Ordinal);
        Assert.Matches(@"cam-1\s+connected", output);
        Assert.Matches(@"lock-a\s+conveyor-1\s+off\s+high", output);
        Assert.Contains("broker   mqtt://127.0.0.1:", output, StringComparison.Ordinal);
        Assert.Contains("outbox   0 records", output, StringComparison.Ordinal);
        Assert.Contains("clock    synchronised", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_json_is_the_health_report_with_frame_age_and_sharpness()
    {
        await using var agent = await StartConnectedAgentAsync();
        var (code, output, _) = await CliAsync("status", "--json", "--socket", agent.SocketPath);

        Assert.Equal(0, code);
        var report = JsonSerializer.Deserialize<HealthReport>(output, HealthJson.Options)!;
        Assert.Equal("ok", report.Status);
        var camera = Assert.Single(report.Cameras);
        Assert.Equal("connected", camera.State);
        Assert.InRange(camera.LastFrameAgeSeconds!.Value, 0, 2);
        Assert.True(camera.Sharpness > new EdgeAgent.Configuration.QualityThresholds().MinSharpness, $"sharpness {camera.Sharpness}");
        Assert.Empty(camera.Flags);
        Assert.True(report.Broker.Connected);
        Assert.True(report.Disk.TotalBytes > 0);
        Assert.True(report.PipelineAlive);
    }

    [Fact]
    public async Task Snapshot_writes_the_current_frame_with_its_sharpness_drawn_on_it()
    {
        await using var agent = await StartConnectedAgentAsync();
        var file = agent.Combine("aim.jpg");

        var (code, output, error) = await CliAsync("snapshot", "--socket", agent.SocketPath, "--camera", "cam-1", "-o", file);

        Assert.True(code == 0, error);
        Assert.Matches(@"camera cam-1, sharpness \d+", output);
        var image = JpegEncoder.Decode(await File.ReadAllBytesAsync(file));
        Assert.Equal((320, 240), (image.Width, image.Height));
        var corner = ((image.Height - 2) * image.Width * 3) + 6;
        Assert.True(image.Pixels[corner] < 40 && image.Pixels[corner + 1] < 40 && image.Pixels[corner + 2] < 40, "the score band at the bottom is missing");
    }

    [Theory]
    [InlineData("cam-9")]
    [InlineData("../../etc/passwd")]
    public async Task Snapshot_of_an_unknown_camera_names_the_valid_ones_and_writes_nothing(string camera)
    {
        await using var agent = await StartConnectedAgentAsync();
        var file = agent.Combine("aim.jpg");

        var (code, _, error) = await CliAsync("snapshot", "--socket", agent.SocketPath, "--camera", camera, "-o", file);

        Assert.Equal(ExitCodes.Usage, code); // a wrong camera id is a usage error: the valid ones are listed
        Assert.Contains("valid: cam-1", error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Status_without_a_running_agent_says_so_and_exits_69()
    {
        using var dir = new Infrastructure.TempDirectory();

        var (code, _, error) = await CliAsync("status", "--socket", dir.Combine("control.sock"));

        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("no agent listening", error, StringComparison.Ordinal);
        Assert.Contains("edgeagent doctor", error, StringComparison.Ordinal);
    }
}
