using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeAgent.Capture;
using EdgeAgent.Capture.Clips;
using EdgeAgent.Capture.Quality;
using EdgeAgent.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using static EdgeAgent.Bench.Stats;

namespace EdgeAgent.Bench;

/// <summary>
/// Issue 17's rows (<c>--ring</c>): cameras kept as a compressed ring, against <c>ffmpeg</c> decoding the same streams.
/// One GStreamer RTSP server (the test camera: 1080p, 15 fps, H.264 at 4 Mbit/s, GOP 2 s, clock stripe in every frame)
/// serves the streams; each of the agent's four cameras and each ffmpeg opens its own RTSP session to it.
/// </summary>
public static class RingBenchmark
{
    public const int Cameras = 4;

    public static async Task<string> RunAsync(BenchOptions options, string brokerUrl, TextWriter progress)
    {
        var clock = Stopwatch.StartNew();
        var fps = 15;
        await using var camera = await RtspTestCamera.StartAsync(size: "1920x1080", fps: fps, gop: 2 * fps, bitrateKbps: 4000);
        var table = new StringBuilder();
        var window = options.CpuWindow * 2;

        progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] ring: CPU of the agent with {Cameras} compressed cameras, then {Cameras} ffmpeg decoding");
        double agentCpu, tree4, agent4;
        await using (var agent = await AgentProcess.StartAsync(Path.Combine(options.WorkDirectory, "ring-4"), brokerUrl, camera.Url, Cameras, 1920, 1080))
        {
            await Task.Delay(options.CpuWarmup + TimeSpan.FromSeconds(3));
            agentCpu = await CpuOverWindowAsync([agent.Pid], window);
            // Memory with triggers: one every 5 s (an at photo from each camera, assessed, encoded, stamped, queued).
            for (var i = 0; i < 4; i++)
            {
                await agent.TriggerAsync();
                await Task.Delay(TimeSpan.FromSeconds(2));
            }

            (agent4, tree4) = (ProcStat.PeakRssMiB(agent.Pid), ProcStat.PeakRssTreeMiB(agent.Pid));
        }

        double tree1;
        await using (var agent = await AgentProcess.StartAsync(Path.Combine(options.WorkDirectory, "ring-1"), brokerUrl, camera.Url, 1, 1920, 1080))
        {
            await Task.Delay(options.CpuWarmup + TimeSpan.FromSeconds(3));
            for (var i = 0; i < 4; i++)
            {
                await agent.TriggerAsync();
                await Task.Delay(TimeSpan.FromSeconds(2));
            }

            tree1 = ProcStat.PeakRssTreeMiB(agent.Pid);
        }

        var ffmpegs = Enumerable.Range(0, Cameras).Select(_ => Process.Start(new ProcessStartInfo("ffmpeg", ["-hide_banner", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", camera.Url, "-f", "null", "-"]) { UseShellExecute = false, RedirectStandardInput = true })!).ToList();
        double ffmpegCpu;
        try
        {
            await Task.Delay(options.CpuWarmup + TimeSpan.FromSeconds(3));
            ffmpegCpu = await CpuOverWindowAsync([.. ffmpegs.Select(p => p.Id)], window);
        }
        finally
        {
            foreach (var p in ffmpegs)
            {
                p.Kill();
                await p.WaitForExitAsync();
                p.Dispose();
            }
        }

        var perCamera = (tree4 - tree1) / (Cameras - 1);
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {Cameras} cameras 1080p15 H.264 4 Mbit/s GOP 2 s, 10 s compressed ring each: CPU of agent + children (cores) | {F(agentCpu, "0.000")} | {F(ffmpegCpu, "0.000")} ({Cameras}× ffmpeg -f null decoding the same streams) | {Ratio(ffmpegCpu, agentCpu)} (goal ≥ 3.3, i.e. ≤ 0.3×) |"));
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {Cameras} compressed cameras: peak RSS agent + children (MiB) | {F(tree4, "0")} (agent alone {F(agent4, "0")}; base {F(tree1 - perCamera, "0")} + {F(perCamera, "0")} per camera) | goal ≤ 320 | |"));

        progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] ring: edge → at photo encoded, {Math.Max(50, options.Triggers)} triggers; a 10 s clip");
        var (latency, streamLatency, clips) = await InProcessAsync(options, camera.Url, Math.Max(50, options.Triggers));
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| compressed camera: edge → at photo encoded (decode from keyframe + quality + JPEG), p50 / p99 (ms) | {F(Percentile(latency, 50))} / {F(Percentile(latency, 99))} | stream latency (capture → arrival) p50 {F(Percentile(streamLatency, 50))} ms | goal p99 ≤ 400 + stream latency |"));
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| 10 s clip (5 s before, 5 s after the edge): ready after its last frame arrived, max of {clips.Count} (ms); re-encoded frames | {F(clips.Max(c => c.ReadyMs))}; {clips.Sum(c => c.Reencoded)} of {clips.Sum(c => c.Frames)} | goal ≤ 1000; 0 | |"));
        return table.ToString();
    }

    /// <summary>A bare compressed reader: edge → the at photo decoded, assessed and encoded; then clips cut around edges.</summary>
    private static async Task<(List<double> Latency, List<double> StreamLatency, List<(double ReadyMs, int Frames, int Reencoded)> Clips)> InProcessAsync(BenchOptions options, string url, int triggers)
    {
        var source = new GstreamerPacketSource(new GstreamerSourceSettings(url, 1920, 1080), new InProcessGopDecoder(1920, 1080, new FfmpegGopDecoder(1920, 1080)), NullLogger.Instance);
        await using var reader = new CameraReader("bench", source, TimeProvider.System, NullLogger.Instance, new CameraReaderSettings());
        reader.Start();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await reader.WaitForUnitAsync(u => u.Keyframe, timeout.Token);
        while (reader.Latest?.ProducedBasis != ProducedBasis.CameraClock)
        {
            await reader.NextUnitAsync(timeout.Token);
        }

        var plan = new CapturePlan(0, 1, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        var ledger = new FrameLedger();
        var latency = new List<double>();
        var streamLatency = new List<double>();
        for (var i = 0; i < triggers; i++)
        {
            await Task.Delay(150 + Random.Shared.Next(250), timeout.Token); // independent triggers, not phase-locked to the camera
            var edge = Stopwatch.GetTimestamp();
            var result = await plan.ExecuteAsync(reader, new CaptureMoment(DateTimeOffset.UtcNow, edge, null, ledger), TimeProvider.System, timeout.Token);
            var frame = result.Shots.Single().Frame;
            var quality = FrameQualityAnalyzer.Analyze(frame, new QualityThresholds());
            var jpeg = JpegEncoder.Encode(frame.Image, 85);
            latency.Add(Stopwatch.GetElapsedTime(edge).TotalMilliseconds);
            streamLatency.Add((frame.ArrivedAt - frame.ProducedAt).TotalMilliseconds);
            GC.KeepAlive(quality);
            GC.KeepAlive(jpeg);
        }

        var clips = new List<(double, int, int)>();
        var state = Path.Combine(options.WorkDirectory, "clips");
        Directory.CreateDirectory(state);
        var remuxer = new Mp4Remuxer(state);
        for (var i = 0; i < 3; i++)
        {
            var edge = DateTimeOffset.UtcNow;
            var clip = await RingClipSource.CutAsync(reader, edge.AddSeconds(-5), edge.AddSeconds(5), TimeSpan.FromSeconds(2), remuxer, TimeProvider.System, NullLogger.Instance, timeout.Token)
                ?? throw new InvalidOperationException("no clip");
            var ready = DateTimeOffset.UtcNow;
            var units = RingClipSource.Select(reader.Ring.Snapshot(), edge.AddSeconds(-5), edge.AddSeconds(5));
            var file = Path.Combine(state, $"clip-{i}.mp4");
            await File.WriteAllBytesAsync(file, clip.Mp4, timeout.Token);
            var sizes = await PacketSizesAsync(file);
            var reencoded = sizes.Count == units.Count ? sizes.Zip(units).Count(p => p.First != p.Second.Image.Encoded!.Data.Length) : Math.Max(sizes.Count, units.Count);
            clips.Add(((ready - units[^1].ArrivedAt).TotalMilliseconds, clip.Frames, reencoded));
        }

        return (latency, streamLatency, clips);
    }

    private static async Task<List<int>> PacketSizesAsync(string file)
    {
        using var probe = Process.Start(new ProcessStartInfo("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=size", "-of", "csv=p=0", file]) { UseShellExecute = false, RedirectStandardOutput = true })!;
        var text = await probe.StandardOutput.ReadToEndAsync();
        await probe.WaitForExitAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s.Trim().TrimEnd(','), CultureInfo.InvariantCulture))];
    }

    private static async Task<double> CpuOverWindowAsync(IReadOnlyList<int> pids, TimeSpan window)
    {
        var before = pids.Sum(ProcStat.CpuSeconds);
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        var after = pids.Sum(ProcStat.CpuSeconds);
        return (after - before) / clock.Elapsed.TotalSeconds;
    }
}
