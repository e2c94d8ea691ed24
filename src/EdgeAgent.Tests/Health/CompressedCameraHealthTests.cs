using System.Text.Json.Nodes;
using EdgeAgent.Capture.Decoding;
using EdgeAgent.Capture.Quality;
using EdgeAgent.Health;

namespace EdgeAgent.Tests.Health;

/// <summary>
/// Health of a compressed camera from the real RTSP test camera at 1080p: a keyframe decoded every sample interval
/// straight to small grey, judged once per sample, never a full-size picture kept.
/// </summary>
public sealed class CompressedCameraHealthTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_sample_is_judged_once_on_its_grey_picture_as_its_colour_picture_would_be_and_again_after_the_next_sample()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "1920x1080", gop: 8);
        await using var agent = await AgentHarness.StartAsync(c => c["Cameras"] = new JsonArray(
            new JsonObject { ["Id"] = "cam-1", ["Kind"] = "ffmpeg", ["Url"] = camera.Url, ["Width"] = 1920, ["Height"] = 1080, ["HealthSampleMs"] = 1000 }));
        var registry = agent.Get<CameraRegistry>();
        var reader = registry.Get("cam-1");
        using var timeout = new CancellationTokenSource(Patience);
        await NextSampleAsync(reader, null, timeout.Token);
        HealthSample first;
        CameraHealth health, again;
        HealthReport report;
        do
        {
            // Samples come every second: look until no new one came in between, so all three saw the same sample.
            first = reader.HealthSample!;
            health = registry.Inspect("cam-1");
            again = registry.Inspect("cam-1");
            report = await agent.Get<HealthCollector>().CollectAsync();
        }
        while (!ReferenceEquals(first, reader.HealthSample));

        using var decoder = new WarmGopDecoder(1920, 1080, new FfmpegGopDecoder(1920, 1080));
        var colour = FrameQualityAnalyzer.Analyze(await decoder.DecodeLastAsync([first.Keyframe.Image.Encoded!], timeout.Token), 0, TimeSpan.Zero, new QualityThresholds());
        await NextSampleAsync(reader, first, timeout.Token);
        var later = registry.Inspect("cam-1");

        Assert.True(reader.Compressed);
        Assert.Equal((640, 360), (first.Grey.Width, first.Grey.Height));
        Assert.True(first.Keyframe.Image.IsEncodedOnly, "the sample keeps its keyframe encoded, not a 1080p picture");
        Assert.True(first.Keyframe.Image.Encoded!.Keyframe);
        Assert.Same(health.Quality, again.Quality); // measured once per sample, however often health asks
        Assert.Empty(health.Quality!.Flags);
        Assert.Equal(health.Quality.Sharpness, Assert.Single(report.Cameras).Sharpness);
        Assert.InRange(health.Quality.Brightness - colour.Brightness, -1.5, 1.5);
        Assert.InRange(health.Quality.Sharpness / colour.Sharpness, 0.85, 1.15);
        Assert.NotSame(health.Quality, later.Quality); // a newer sample is measured afresh
    }

    /// <summary>The first health sample other than <paramref name="previous"/>, looked for as units arrive.</summary>
    private static async Task<HealthSample> NextSampleAsync(CameraReader reader, HealthSample? previous, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = reader.NextUnitAsync(cancellationToken);
            if (reader.HealthSample is { } sample && !ReferenceEquals(sample, previous))
            {
                return sample;
            }

            await next;
        }
    }
}
