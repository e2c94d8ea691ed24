using System.Text.Json.Nodes;
using EdgeAgent.Health;
using EdgeAgent.Doctor;

namespace EdgeAgent.Tests.Health;

/// <summary>Each camera's stream latency and how its frames are dated, where a field tech and a dashboard look.</summary>
public sealed class CameraTimingHealthTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_rtsp_camera_on_the_default_backend_is_dated_by_its_clock_in_health_status_metrics_and_doctor()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "640x360");
        await using var agent = await AgentHarness.StartAsync(c => c["Cameras"] = new JsonArray(
            new JsonObject { ["Id"] = "cam-1", ["Kind"] = "ffmpeg", ["Url"] = camera.Url, ["Width"] = 640, ["Height"] = 360 }));
        var reader = agent.Get<CameraRegistry>().Get("cam-1");
        using var timeout = new CancellationTokenSource(Patience);
        while (reader.Status.Latency?.Basis != ProducedBasis.CameraClock)
        {
            await reader.NextFrameAsync(timeout.Token); // the first sender report comes a few seconds in
        }

        var report = await agent.Get<HealthCollector>().CollectAsync();
        var health = Assert.Single(report.Cameras);
        var table = new StringWriter();
        StatusTable.Write(table, report);
        var metrics = await PrometheusText.RenderAsync(report);
        var doctor = TimingCheck.FromAgent(health);

        Assert.StartsWith("rtsp", reader.Source, StringComparison.Ordinal); // the managed RTSP client
        Assert.Equal("camera-clock", health.ProducedBasis);
        Assert.InRange(health.LatencyMs!.Value, 0, 10_000);
        Assert.InRange(health.LatencyP95Ms!.Value, health.LatencyMs.Value, 10_000);
        Assert.Equal(0, health.RejectedCameraTimes);
        Assert.Matches(@"\ncam-1\s+camera-clock\s+\d+ms\s+\d+ms\s+0", table.ToString());
        Assert.Contains("edgeagent_camera_produced_basis{camera=\"cam-1\",basis=\"camera-clock\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Matches(@"edgeagent_camera_stream_latency_seconds\{camera=""cam-1""\} [0-9.E-]+\n", metrics);
        Assert.Equal(DoctorOutcome.Pass, doctor.Outcome);
        Assert.Contains("camera's clock", doctor.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_camera_without_a_clock_is_dated_by_arrival_and_doctor_says_how_to_do_better()
    {
        // The same RTSP camera read through ffmpeg, whose command line gives no sender-report time.
        await using var camera = await RtspTestCamera.StartAsync(size: "640x360");
        await using var agent = await AgentHarness.StartAsync(c => c["Cameras"] = new JsonArray(
            new JsonObject { ["Id"] = "cam-1", ["Kind"] = "ffmpeg", ["Url"] = camera.Url, ["Width"] = 640, ["Height"] = 360, ["Backend"] = "ffmpeg" }));
        var reader = agent.Get<CameraRegistry>().Get("cam-1");
        await reader.NextFrameAsync().WaitAsync(Patience);

        var health = Assert.Single((await agent.Get<HealthCollector>().CollectAsync()).Cameras);
        var doctor = TimingCheck.FromAgent(health);

        Assert.Equal("arrival", health.ProducedBasis);
        Assert.Null(health.LatencyMs);
        Assert.Equal(DoctorOutcome.Warn, doctor.Outcome);
        Assert.Contains("LatencyMs", doctor.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_without_a_running_agent_reads_the_camera_until_its_clock_is_known()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "640x360");
        var options = new CameraOptions { Id = "cam-1", Kind = "ffmpeg", Url = camera.Url, Width = 640, Height = 360 };
        var latency = new StreamLatency(CameraReaderSettings.From(options));

        var check = await CameraCheck.RunAsync(options, Patience, latency: latency);
        var timing = TimingCheck.From("cam-1", latency.Reading);

        Assert.NotEqual(DoctorOutcome.Fail, check.Outcome);
        Assert.Equal(ProducedBasis.CameraClock, latency.Reading.Basis);
        Assert.True(latency.Reading.Samples >= 5);
        Assert.Equal(DoctorOutcome.Pass, timing.Outcome);
    }

    [Fact]
    public void Doctor_warns_about_a_camera_whose_clock_is_off()
    {
        var health = new EdgeAgent.Health.CameraHealthEntry("cam-1", "connected", 15, 0.1, 100, null) { ProducedBasis = "configured-latency", LatencyMs = 150, RejectedCameraTimes = 40 };

        var doctor = TimingCheck.FromAgent(health);

        Assert.Equal(DoctorOutcome.Warn, doctor.Outcome);
        Assert.Contains("40 frames", doctor.Detail, StringComparison.Ordinal);
        Assert.Contains("NTP", doctor.Fix, StringComparison.Ordinal);
    }
}
