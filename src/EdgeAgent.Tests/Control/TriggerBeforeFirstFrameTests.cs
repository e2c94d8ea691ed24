using System.Text.Json;
using EdgeAgent.Evidence;
using EdgeAgent.Tests.Health;
using EdgeAgent.Uplink;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeAgent.Tests.Control;

/// <summary>
/// No silent gap at start-up: a trigger before the camera's first frame waits (bounded) for a frame produced after
/// its edge; when none comes, <c>edgeagent trigger</c> and the MQTT command fail, and the photo is taken late when
/// the camera starts. Through the paths users run: the CLI over the control socket, and the command handler.
/// </summary>
public sealed class TriggerBeforeFirstFrameTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>An agent whose camera has not delivered a frame yet; a trigger waits 300 ms for one.</summary>
    private static Task<AgentHarness> StartWithSilentCameraAsync(ManualFrameSourceFactory cameras) => AgentHarness.StartAsync(
        editConfig: c => c["Cameras"]![0]!["OutageWaitMs"] = 300,
        services: s => s.Replace(ServiceDescriptor.Singleton<IFrameSourceFactory>(cameras)));

    [Fact]
    public async Task Trigger_before_the_first_frame_exits_non_zero_and_the_step_gets_a_late_photo_when_the_camera_starts()
    {
        var cameras = new ManualFrameSourceFactory();
        await using var agent = await StartWithSilentCameraAsync(cameras);
        var late = new TaskCompletionSource<EvidenceRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.Get<EvidenceRecorder>().Recorded += (_, r) =>
        {
            if (r.Frame.Late is not null)
            {
                late.TrySetResult(r);
            }
        };

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await EdgeAgentCli.InvokeAsync(["trigger", "--socket", agent.SocketPath, "--point", "conveyor-1", "--step", "isolated"], output, error);

        Assert.Equal(ExitCodes.Failure, code);
        var answer = JsonDocument.Parse(error.ToString()).RootElement;
        Assert.False(answer.GetProperty("ok").GetBoolean());
        Assert.Contains("cam-1", answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, answer.GetProperty("records").GetArrayLength());
        Assert.Contains(answer.GetProperty("findings").EnumerateArray(), f => f.GetString()!.StartsWith("photo-missing: photo 1/1 of step 'isolated' from camera cam-1 missing: camera starting", StringComparison.Ordinal));

        cameras["cam-1"].Push(); // the camera's first frame, after the trigger gave up waiting
        var record = await late.Task.WaitAsync(Patience);

        Assert.Equal("isolated", record.Step.Id);
        Assert.Equal(FrameRole.At, record.Frame.Role);
        Assert.Contains(record.Findings, f => f.StartsWith("photo-missing: photo 1/1 of step 'isolated' from camera cam-1", StringComparison.Ordinal)); // the finding stays
        var item = Assert.Single(await agent.Get<EvidenceOutbox>().PeekAsync(10), i => i.RecordId == record.RecordId);
        var image = JpegEncoder.Decode(item.Image);
        var produced = FrameClockStripe.Read(image.Pixels, image.Width) - record.Trigger.EdgeTime.ToUnixTimeMilliseconds();
        Assert.True(produced >= 300, $"late photo produced {produced} ms after the trigger"); // after the trigger's wait ran out
        Assert.InRange(record.Frame.Late!.DelayMs - produced, -1, 1); // the stated delay is what the pixels show (ms stripe)
        Assert.Contains("camera starting", record.Frame.Late.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capture_command_before_the_first_frame_answers_not_ok()
    {
        var cameras = new ManualFrameSourceFactory();
        await using var agent = await StartWithSilentCameraAsync(cameras);

        var result = await agent.Get<ICommandHandler>().HandleAsync(new DeviceCommand(DeviceCommand.CaptureNow, "conveyor-1", "isolated", null, null, "ops", null));

        Assert.False(result.Ok);
        Assert.Contains("no photo produced after the trigger from camera cam-1", result.Error, StringComparison.Ordinal);
        var answer = JsonSerializer.SerializeToElement(result.Result, JsonSerializerOptions.Web);
        Assert.Equal(0, answer.GetProperty("records").GetArrayLength());
    }
}
