using System.Text.Json;
using EdgeAgent.Control;
using EdgeAgent.Evidence;
using EdgeAgent.Health;
using EdgeAgent.Tests.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace EdgeAgent.Tests.Control;

/// <summary>Commissioning a camera's reference view through the running agent, then health noticing a moved view.</summary>
public sealed class CommissionTests
{
    private static async Task<(AgentHarness Agent, ManualFrameSource Camera)> StartAsync()
    {
        var cameras = new ManualFrameSourceFactory();
        var agent = await AgentHarness.StartAsync(services: s =>
        {
            s.Replace(ServiceDescriptor.Singleton<IFrameSourceFactory>(cameras));
            s.Replace(ServiceDescriptor.Singleton<IClockSyncProbe>(new FixedClockSyncProbe(true)));
        });
        return (agent, cameras["cam-1"]);
    }

    private static async Task PushAsync(AgentHarness agent, ManualFrameSource source, RawFrame? frame = null)
    {
        var arrived = agent.Get<CameraRegistry>().Get("cam-1").NextFrameAsync();
        if (frame is null)
        {
            source.Push();
        }
        else
        {
            source.Push(frame);
        }

        await arrived.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<(int Code, string Output, string Error)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await EdgeAgentCli.InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<HealthReport> HealthAsync(AgentHarness agent)
    {
        using var client = new ControlClient(agent.SocketPath);
        using var response = await client.GetAsync("v1/health");
        response.EnsureSuccessStatusCode();
        return JsonSerializer.Deserialize<HealthReport>(await response.Content.ReadAsStringAsync(), HealthJson.Options)!;
    }

    private static string ReferenceFile(AgentHarness agent) =>
        Path.Combine(agent.Get<IOptions<EdgeAgentOptions>>().Value.StateDirectory, "references", "cam-1.png");

    /// <summary>The same scene as the camera saw it, changed as a knocked camera or a board in front of it would change it.</summary>
    public static TheoryData<string> Disturbances => ["turned upside down", "board in front of it"];

    private static RawFrame Disturb(RawFrame frame, string how)
    {
        using var mat = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Pixels).Clone();
        if (how == "turned upside down")
        {
            Cv2.Flip(mat, mat, FlipMode.X);
        }
        else
        {
            // A textured board over the left two thirds: not blank, just a different view.
            Cv2.Rectangle(mat, new Rect(0, 0, frame.Width * 2 / 3, frame.Height), new Scalar(170, 170, 180), -1);
            for (var y = 0; y < frame.Height; y += 12)
            {
                Cv2.Line(mat, new Point(0, y), new Point(frame.Width * 2 / 3, y + 6), new Scalar(90, 90, 100), 2);
            }
        }

        var pixels = new byte[frame.Pixels.Length];
        System.Runtime.InteropServices.Marshal.Copy(mat.Data, pixels, 0, pixels.Length);
        return new RawFrame(pixels, frame.Width, frame.Height);
    }

    [Theory]
    [MemberData(nameof(Disturbances))]
    public async Task Commissioned_view_matches_until_the_camera_is_disturbed_then_health_degrades_with_a_problem(string how)
    {
        var (agent, camera) = await StartAsync();
        await using var _ = agent;
        await PushAsync(agent, camera);
        var before = await HealthAsync(agent);
        Assert.False(before.Cameras.Single().ReferenceCommissioned);
        Assert.Null(before.Cameras.Single().SceneMatch);

        var (code, output, error) = await CliAsync("commission", "--camera", "cam-1", "--socket", agent.SocketPath);

        Assert.True(code == ExitCodes.Ok, output + error);
        Assert.Contains("camera cam-1: reference view stored", output, StringComparison.Ordinal);
        Assert.Matches(@"sharpness \d+\.\d, brightness \d+, contrast \d+\.\d, flags none", output);
        Assert.True(File.Exists(ReferenceFile(agent)));
        // The same scene a moment later (one frame at 15 fps; the clock text differs in its last digits). Drawn at the
        // reference's time + 67 ms, not at the wall clock: on a loaded machine seconds may pass, and more changed digits
        // would make a different, not a later, view.
        var reference = agent.Get<CameraRegistry>().Get("cam-1").Snapshot()!.Image.CameraTime!.Value;
        var later = agent.Get<CameraRegistry>().Get("cam-1").NextFrameAsync();
        camera.Push(reference.AddMilliseconds(67));
        await later.WaitAsync(TimeSpan.FromSeconds(10));
        var matching = await HealthAsync(agent);
        var cam = matching.Cameras.Single();
        Assert.True(cam.ReferenceCommissioned);
        Assert.True(cam.SceneMatch > 0.9, $"scene match {cam.SceneMatch}");
        Assert.DoesNotContain(matching.Problems, p => p.Contains("commissioning reference", StringComparison.Ordinal));

        await PushAsync(agent, camera, Disturb(agent.Get<CameraRegistry>().Get("cam-1").Snapshot()!.Image, how));
        var moved = await HealthAsync(agent);

        var seen = moved.Cameras.Single();
        Assert.True(seen.SceneMatch < 0.6, $"scene match {seen.SceneMatch}");
        Assert.Contains("scene-mismatch", seen.Flags);
        Assert.Equal("degraded", moved.Status);
        Assert.Contains(moved.Problems, p => p.StartsWith("camera cam-1: view does not match the commissioning reference", StringComparison.Ordinal));
        Assert.NotEqual(matching.Signature(), moved.Signature());
        var (_, status, _) = await CliAsync("status", "--socket", agent.SocketPath);
        Assert.Matches(@"cam-1\s+connected .* MOVED\?", status);
    }

    [Fact]
    public async Task Status_says_no_reference_commissioned_and_how_to_commission()
    {
        var (agent, camera) = await StartAsync();
        await using var _ = agent;
        await PushAsync(agent, camera);

        var (code, output, _) = await CliAsync("status", "--socket", agent.SocketPath);

        Assert.Equal(0, code);
        Assert.Matches(@"cam-1\s+connected .* no ref", output);
        Assert.Contains("cam-1: no reference commissioned; once aimed and focused: edgeagent commission --camera cam-1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_signature_ignores_numbers_that_change_every_frame()
    {
        var (agent, camera) = await StartAsync();
        await using var _ = agent;
        await PushAsync(agent, camera);
        await CliAsync("commission", "--camera", "cam-1", "--socket", agent.SocketPath);
        await PushAsync(agent, camera);
        var first = await HealthAsync(agent);
        await PushAsync(agent, camera);
        var second = await HealthAsync(agent);

        Assert.Equal(first.Signature(), second.Signature());
    }

    [Theory]
    [InlineData("cam-9")]
    [InlineData("../../etc/passwd")]
    [InlineData("..")]
    public async Task Commissioning_an_unknown_camera_is_refused_with_404_and_writes_nothing(string id)
    {
        var (agent, camera) = await StartAsync();
        await using var _ = agent;
        await PushAsync(agent, camera);

        var (code, _, error) = await CliAsync("commission", "--camera", id, "--socket", agent.SocketPath);
        using var client = new ControlClient(agent.SocketPath);
        using var response = await client.PostAsync($"v1/cameras/{Uri.EscapeDataString(id)}/reference");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("edgeagent commission: unknown camera '", error, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(Directory.Exists(Path.GetDirectoryName(ReferenceFile(agent))));
    }

    [Fact]
    public async Task An_unknown_camera_error_names_the_valid_ones()
    {
        var (agent, _) = await StartAsync();
        await using var __ = agent;

        var (code, _, error) = await CliAsync("commission", "--camera", "cam-9", "--socket", agent.SocketPath);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("edgeagent commission: unknown camera 'cam-9'; valid: cam-1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_covered_lens_is_refused_as_reference_with_the_reason()
    {
        var (agent, camera) = await StartAsync();
        await using var _ = agent;
        await PushAsync(agent, camera, new RawFrame(new byte[320 * 240 * 3], 320, 240));

        var (code, _, error) = await CliAsync("commission", "--camera", "cam-1", "--socket", agent.SocketPath);
        using var client = new ControlClient(agent.SocketPath);
        using var response = await client.PostAsync("v1/cameras/cam-1/reference");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("camera 'cam-1' shows a covered picture; fix the view before commissioning it as the reference", error, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.False(File.Exists(ReferenceFile(agent)));
    }

    [Fact]
    public async Task Commission_without_a_running_agent_exits_69()
    {
        using var dir = new Infrastructure.TempDirectory();

        var (code, _, error) = await CliAsync("commission", "--camera", "cam-1", "--socket", dir.Combine("control.sock"));

        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("no agent listening", error, StringComparison.Ordinal);
    }
}
