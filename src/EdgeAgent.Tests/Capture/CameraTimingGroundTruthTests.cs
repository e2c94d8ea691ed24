using System.Globalization;
using Xunit.Abstractions;

namespace EdgeAgent.Tests.Capture;

/// <summary>
/// Issue 13, source side: on a real RTSP camera whose frames carry their production time in their pixels, with every
/// core kept busy, a frame's <see cref="Frame.ProducedAt"/> is checked against that time (the ground truth the agent
/// never reads). Also prints what dating by arrival alone would have claimed: the error the issue reports.
/// </summary>
public sealed class CameraTimingGroundTruthTests(ITestOutputHelper output)
{
    private const int FramesWanted = 200;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Under_load_producedAt_from_the_camera_clock_is_within_50_ms_of_the_time_in_the_pixels()
    {
        var started = DateTimeOffset.UtcNow;
        await using var camera = await RtspTestCamera.StartAsync(size: "1280x720", fps: 15);
        using var load = new CpuBurner();
        var source = new GstreamerFrameSource(new GstreamerSourceSettings(camera.Url, 1280, 720), NullLogger.Instance);
        // This test asks whether the camera clock dates frames truly, however late they arrive; on a machine shared by
        // many builds the stream falls more than the default 10 s behind. The plausibility guard has tests of its own.
        var settings = new CameraReaderSettings { MaxStreamLatency = TimeSpan.FromMinutes(5) };
        await using var reader = new CameraReader("cam-1", source, TimeProvider.System, NullLogger.Instance, settings);
        using var timeout = new CancellationTokenSource(Patience);
        reader.Start();

        var produced = new List<double>();
        var arrival = new List<double>();
        var otherBases = new Dictionary<ProducedBasis, int>();
        long last = 0;
        while (produced.Count < FramesWanted)
        {
            await reader.NextFrameAsync(timeout.Token);
            var frame = reader.Snapshot()!; // a copy: the live frame's buffer is reused
            if (frame.Sequence == last)
            {
                continue;
            }

            last = frame.Sequence;
            var truth = DateTimeOffset.FromUnixTimeMilliseconds(FrameClockStripe.Read(frame.Image.Pixels, frame.Width));
            Assert.InRange(truth, started.AddSeconds(-1), frame.ArrivedAt.AddSeconds(1)); // the stripe was read, not noise
            if (frame.ProducedBasis != ProducedBasis.CameraClock)
            {
                otherBases[frame.ProducedBasis] = otherBases.GetValueOrDefault(frame.ProducedBasis) + 1;
                continue;
            }

            produced.Add((frame.ProducedAt - truth).TotalMilliseconds);
            arrival.Add((frame.ArrivedAt - truth).TotalMilliseconds);
        }

        var latency = reader.Status.Latency!;
        Report("producedAt - true production (camera-clock)", produced);
        Report("arrival - true production (what arrival-only dating claims)", arrival);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stream latency: median {latency.LatencyMs} ms, p95 {latency.P95Ms} ms over {latency.Samples} frames; untrusted camera times {latency.RejectedCameraTimes}; burners {load.Count}; load average {File.ReadAllText("/proc/loadavg").Trim()}; frames not dated by the camera clock (before the first sender report): {string.Join(", ", otherBases.Select(b => $"{b.Key}={b.Value}"))}"));

        Assert.Equal(2, load.Count);
        var within = produced.Count(e => Math.Abs(e) <= 50);
        Assert.True(within >= 0.95 * produced.Count, $"{within} of {produced.Count} frames within 50 ms");
        Assert.Equal(ProducedBasis.CameraClock, latency.Basis);
    }

    [Fact]
    public async Task Under_load_the_frame_taken_for_an_edge_was_made_at_or_after_it()
    {
        const int edges = 30;
        await using var camera = await RtspTestCamera.StartAsync(size: "1280x720", fps: 15);
        using var load = new CpuBurner();
        var source = new GstreamerFrameSource(new GstreamerSourceSettings(camera.Url, 1280, 720), NullLogger.Instance);
        var settings = new CameraReaderSettings { MaxStreamLatency = TimeSpan.FromMinutes(5) }; // as above: load, not a wrong clock
        await using var reader = new CameraReader("cam-1", source, TimeProvider.System, NullLogger.Instance, settings);
        using var timeout = new CancellationTokenSource(Patience);
        reader.Start();
        while (reader.Status.Latency?.Basis != ProducedBasis.CameraClock)
        {
            await reader.NextFrameAsync(timeout.Token);
        }

        var byProduction = new List<double>();
        var byArrival = new List<double>();
        for (var i = 0; i < edges; i++)
        {
            // An edge between frames, at a moment the test does not choose relative to the camera: after a frame arrived.
            await reader.NextFrameAsync(timeout.Token);
            var edge = DateTimeOffset.UtcNow;
            var edgeTimestamp = TimeProvider.System.GetTimestamp();
            var arrived = reader.CaptureAsync(edgeTimestamp, TimeSpan.FromSeconds(30), timeout.Token); // the old rule: first to arrive
            var made = await reader.FirstAsync(f => f.ProducedAt >= edge, edgeTimestamp + (30 * TimeProvider.System.TimestampFrequency), timeout.Token)
                ?? throw new TimeoutException($"no frame made after the edge at {edge:O} within 30 s");
            byProduction.Add((Truth(made) - edge).TotalMilliseconds);
            byArrival.Add((Truth(await arrived) - edge).TotalMilliseconds);
        }

        Report("offset of the frame made at or after the edge (true production - edge)", byProduction);
        Report("offset of the first frame to arrive after the edge (true production - edge)", byArrival);
        output.WriteLine($"frames made before their edge: by production {byProduction.Count(o => o < -1)}, by arrival {byArrival.Count(o => o < -1)} of {edges}");

        // The stripe holds whole milliseconds, truncated: a frame made 0.3 ms after the edge can read 1 ms early.
        Assert.All(byProduction, offset => Assert.True(offset >= -1, $"a frame made {offset:0.0} ms before its edge was taken"));
        Assert.Equal(2, load.Count);
    }

    private static DateTimeOffset Truth(Frame frame) => DateTimeOffset.FromUnixTimeMilliseconds(FrameClockStripe.Read(frame.Image.Pixels, frame.Width));

    [Fact]
    public async Task Under_load_ffmpeg_with_passthrough_never_repeats_a_frame()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "1280x720", fps: 15);
        using var load = new CpuBurner();
        var source = new FfmpegFrameSource(new FfmpegSourceSettings(camera.Url, 1280, 720), NullLogger.Instance);
        using var timeout = new CancellationTokenSource(Patience);
        var stripes = new List<long>();

        await foreach (var frame in source.ReadFramesAsync(timeout.Token))
        {
            stripes.Add(FrameClockStripe.Read(frame.Pixels, frame.Width));
            if (stripes.Count == FramesWanted)
            {
                break;
            }
        }

        var repeats = stripes.Zip(stripes.Skip(1)).Count(p => p.First == p.Second);
        output.WriteLine($"{repeats} of {stripes.Count} frames repeated the one before");
        // ffmpeg's default constant-rate output repeated 55 of 246 frames on this machine under load (22%); passthrough
        // gave 0 in quiet runs, and 1-4 of 200 at load averages 40-64 with five builds beside it (cause not found yet:
        // TCP transport, so not packet loss). Frozen is judged by time (3 s), so a rare repeat is never an alarm; the
        // bound still fails on a return of the frame-rate duplication.
        Assert.True(repeats <= stripes.Count * 3 / 100, $"{repeats} of {stripes.Count} frames repeated the one before");
        Assert.True(stripes.Zip(stripes.Skip(1)).All(p => p.Second > p.First), "frames come in production order");
        Assert.Equal(2, load.Count);
    }

    private void Report(string what, List<double> errorsMs)
    {
        var sorted = errorsMs.Order().ToList();
        double At(double p) => sorted[(int)Math.Round(p * (sorted.Count - 1))];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: n={sorted.Count} p50 {At(0.5):0.0} ms, p95 {At(0.95):0.0} ms, p99 {At(0.99):0.0} ms, min {sorted[0]:0.0}, max {sorted[^1]:0.0}"));
    }
}
