using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeAgent.Configuration;
using EdgeAgent.Protocol;
using EdgeAgent.Capture;
using EdgeAgent.Capture.Clips;
using EdgeAgent.Capture.Decoding;
using EdgeAgent.Capture.Quality;
using EdgeAgent.Capture.Rtsp;
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
        await using var camera = await RtspTestCamera.StartAsync(size: "1920x1080", fps: fps, gop: 2 * fps, bitrateKbps: 4000, busy: true);
        var table = new StringBuilder();
        var window = options.CpuWindow * 2;

        progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] ring: CPU of the agent with {Cameras} compressed cameras, then {Cameras} ffmpeg decoding");
        double agentCpu, tree4, agent4, agentFps, idle4;
        var recorded4 = new List<double>();
        using (var agent = await BenchAgent.StartAsync(Path.Combine(options.WorkDirectory, "ring-4"), brokerUrl, camera.Url, Cameras, 1920, 1080))
        {
            await Task.Delay(options.CpuWarmup + TimeSpan.FromSeconds(3));
            var framesBefore = await agent.FramesReceivedAsync();
            var timer = Stopwatch.StartNew();
            agentCpu = await CpuOverWindowAsync([agent.Pid], window);
            agentFps = (await agent.FramesReceivedAsync() - framesBefore) / timer.Elapsed.TotalSeconds / Cameras;
            idle4 = ProcStat.PeakRssTreeMiB(agent.Pid);
            // Memory with triggers: one every 2 s (an at photo from each camera, assessed, encoded, stamped, queued); each
            // timed from the request to its four records stored (the control socket answers then).
            for (var i = 0; i < 4; i++)
            {
                var sent = Stopwatch.StartNew();
                await agent.TriggerAsync(null, "p1");
                recorded4.Add(sent.Elapsed.TotalMilliseconds);
                await Task.Delay(TimeSpan.FromSeconds(2));
            }

            (agent4, tree4) = (ProcStat.PeakRssMiB(agent.Pid), ProcStat.PeakRssTreeMiB(agent.Pid));
        }

        double tree1;
        using (var agent = await BenchAgent.StartAsync(Path.Combine(options.WorkDirectory, "ring-1"), brokerUrl, camera.Url, 1, 1920, 1080))
        {
            await Task.Delay(options.CpuWarmup + TimeSpan.FromSeconds(3));
            for (var i = 0; i < 4; i++)
            {
                await agent.TriggerAsync(null, "p1");
                await Task.Delay(TimeSpan.FromSeconds(2));
            }

            tree1 = ProcStat.PeakRssTreeMiB(agent.Pid);
        }

        // The base measured, not extrapolated: the same agent with no camera (runtime, libraries, control API, outbox).
        double tree0;
        using (var agent = await BenchAgent.StartAsync(Path.Combine(options.WorkDirectory, "ring-0"), brokerUrl, camera.Url, 0, 1920, 1080))
        {
            await Task.Delay(options.CpuWarmup + TimeSpan.FromSeconds(3));
            tree0 = ProcStat.PeakRssTreeMiB(agent.Pid);
        }

        var progressFiles = Enumerable.Range(0, Cameras).Select(i => Path.Combine(options.WorkDirectory, $"ffmpeg-{i}.progress")).ToList();
        var ffmpegs = progressFiles.Select(f => Process.Start(new ProcessStartInfo("ffmpeg", ["-hide_banner", "-loglevel", "error", "-progress", f, "-rtsp_transport", "tcp", "-i", camera.Url, "-f", "null", "-"]) { UseShellExecute = false, RedirectStandardInput = true })!).ToList();
        double ffmpegCpu, ffmpegFps;
        try
        {
            await Task.Delay(options.CpuWarmup + TimeSpan.FromSeconds(3));
            var framesBefore = progressFiles.Sum(DecodedFrames);
            var timer = Stopwatch.StartNew();
            ffmpegCpu = await CpuOverWindowAsync([.. ffmpegs.Select(p => p.Id)], window);
            ffmpegFps = (progressFiles.Sum(DecodedFrames) - framesBefore) / timer.Elapsed.TotalSeconds / Cameras;
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
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {Cameras} cameras 1080p15 H.264 4 Mbit/s GOP 2 s, 10 s compressed ring each: CPU of agent + children (cores; frames/s per camera received) | {F(agentCpu, "0.000")} ({F(agentFps)} fps) | {F(ffmpegCpu, "0.000")} ({F(ffmpegFps)} fps; {Cameras}× ffmpeg -f null decoding the same streams) | {Ratio(ffmpegCpu, agentCpu)} (goal ≥ 3.3, i.e. ≤ 0.3×) |"));
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {Cameras} compressed cameras: peak RSS agent + children (MiB) | {F(tree4, "0")} (agent alone {F(agent4, "0")}; no camera {F(tree0, "0")}, first camera +{F(tree1 - tree0, "0")}, each further camera +{F(perCamera, "0")}; {F(idle4, "0")} before the first trigger; sums of each process's own peak; trigger → {Cameras} records stored {string.Join(" / ", recorded4.Select(ms => F(ms, "0")))} ms) | goal ≤ 320 | |"));

        // Triggers come minutes apart on site, so each one here must find the warm decoder cold: its session is freed after
        // 300 ms idle and the triggers are 400-650 ms apart (within a trigger the prefeed keeps it in use). The baseline,
        // the decoder before it (the GOP through a /dev/shm file and OpenCV's FFmpeg), runs the same triggers on the same stream.
        var triggers = Math.Max(50, options.Triggers);
        progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] ring: edge → at photo encoded, {triggers} triggers, warm libavcodec decoder then the /dev/shm + OpenCV one; a 10 s clip");
        using var warm = new WarmGopDecoder(1920, 1080, new FfmpegGopDecoder(1920, 1080), idleTimeout: TimeSpan.FromMilliseconds(300));
        var (latency, streamLatency, clips, mbits, missed, cpuMs) = await InProcessAsync(options, camera.Url, triggers, warm, clipCount: 3);
        var (baseline, _, _, _, baselineMissed, baselineCpuMs) = await InProcessAsync(options, camera.Url, triggers, new InProcessGopDecoder(1920, 1080, new FfmpegGopDecoder(1920, 1080)), clipCount: 0);
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| the stream as held in the ring (Mbit/s, from the units' bytes over their production times) | {F(mbits, "0.00")} | | |"));
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| compressed camera: edge → at photo encoded (decode + quality + JPEG), p50 / p99 (ms); warm libavcodec session prefed from the trigger vs the GOP through /dev/shm and OpenCV's FFmpeg | {F(Percentile(latency, 50))} / {F(Percentile(latency, 99))} ({latency.Count} photos; {missed} triggers got none within 2 s; {(warm.InProcess ? "in process" : "libavcodec MISSING, fallback")}) | {F(Percentile(baseline, 50))} / {F(Percentile(baseline, 99))} ({baseline.Count} photos; {baselineMissed} none) | p99 {Ratio(Percentile(baseline, 99), Percentile(latency, 99))}; stream latency (capture → arrival) p50 {F(Percentile(streamLatency, 50))} ms; goal p99 ≤ 400 + stream latency |"));
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| compressed camera: CPU of the bench process per trigger (ms: decode + quality + JPEG, and the reader's packet handling meanwhile), warm vs /dev/shm + OpenCV | {F(cpuMs)} | {F(baselineCpuMs)} | {Ratio(baselineCpuMs, cpuMs)} |"));
        // The same edges on all four cameras at once, as the capture stage takes them: their warm decoders share the agent's
        // decode slots (DecodeSlots.DefaultCapacity sessions at once), so a camera that finds them taken waits its turn.
        progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] ring: edge → at photo encoded on {Cameras} cameras at once, {triggers} triggers, {DecodeSlots.DefaultCapacity} decode slots");
        var slots = new DecodeSlots(DecodeSlots.DefaultCapacity);
        var decoders = Enumerable.Range(0, Cameras).Select(_ => new WarmGopDecoder(1920, 1080, new FfmpegGopDecoder(1920, 1080), slots, idleTimeout: TimeSpan.FromMilliseconds(300))).ToList();
        try
        {
            var (four, fourMissed) = await AllCamerasAsync(camera.Url, triggers, decoders);
            table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {Cameras} compressed cameras, one edge on all at once: edge → each camera's at photo encoded, p50 / p99 (ms) | {F(Percentile(four, 50))} / {F(Percentile(four, 99))} ({four.Count} photos of {triggers} triggers; {fourMissed} photos missing after 2 s; {DecodeSlots.DefaultCapacity} decode slots shared) | goal p99 ≤ 400 + stream latency | |"));
        }
        finally
        {
            decoders.ForEach(d => d.Dispose());
        }

        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| 10 s clip (5 s before, 5 s after the edge): ready after its last frame arrived, max of {clips.Count} (ms); re-encoded frames | {F(clips.Max(c => c.ReadyMs))}; {clips.Sum(c => c.Reencoded)} of {clips.Sum(c => c.Frames)} | goal ≤ 1000; 0 | |"));
        return table.ToString();
    }

    /// <summary>A bare compressed reader: edge → the at photo decoded, assessed and encoded; then clips cut around edges.</summary>
    private static async Task<(List<double> Latency, List<double> StreamLatency, List<(double ReadyMs, int Frames, int Reencoded)> Clips, double Mbits, int Missed, double CpuMsPerTrigger)> InProcessAsync(BenchOptions options, string url, int triggers, IFrameDecoder decoder, int clipCount)
    {
        IFrameSource source = Environment.GetEnvironmentVariable("EDGEAGENT_BENCH_BACKEND") == "gstreamer"
            ? new GstreamerPacketSource(new GstreamerSourceSettings(url, 1920, 1080), decoder, NullLogger.Instance)
            : new RtspPacketSource(new RtspSourceSettings(url), decoder, TimeProvider.System, NullLogger.Instance);
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
        var missed = 0;
        var streamLatency = new List<double>();
        var cpu = TimeSpan.Zero;
        for (var i = 0; i < triggers; i++)
        {
            await Task.Delay(400 + Random.Shared.Next(250), timeout.Token); // independent triggers, not phase-locked to the camera; the warm session freed
            var edge = Stopwatch.GetTimestamp();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var result = await plan.ExecuteAsync(reader, new CaptureMoment(DateTimeOffset.UtcNow, edge, null, ledger), TimeProvider.System, timeout.Token);
            if (result.Shots.Count == 0)
            {
                missed++; // no frame produced after the edge came within 2 s (a starved machine): counted, not timed
                continue;
            }

            var frame = result.Shots[0].Frame;
            var quality = FrameQualityAnalyzer.Analyze(frame, new QualityThresholds());
            var jpeg = JpegEncoder.Encode(frame.Image, 85);
            latency.Add(Stopwatch.GetElapsedTime(edge).TotalMilliseconds);
            cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            streamLatency.Add((frame.ArrivedAt - frame.ProducedAt).TotalMilliseconds);
            GC.KeepAlive(quality);
            GC.KeepAlive(jpeg);
        }

        var clips = new List<(double, int, int)>();
        var state = Path.Combine(options.WorkDirectory, "clips");
        Directory.CreateDirectory(state);
        var remuxer = new Mp4Remuxer(state);
        for (var i = 0; i < clipCount; i++)
        {
            var edge = DateTimeOffset.UtcNow;
            var early = reader.Ring.Snapshot();
            var clip = await RingClipSource.CutAsync(reader, edge.AddSeconds(-5), edge.AddSeconds(5), TimeSpan.FromSeconds(2), remuxer, TimeProvider.System, NullLogger.Instance, timeout.Token)
                ?? throw new InvalidOperationException("no clip");
            var ready = DateTimeOffset.UtcNow;
            var units = RingClipSource.Select(RingClipSource.Join(early, reader.Ring.Snapshot()), edge.AddSeconds(-5), edge.AddSeconds(5));
            var file = Path.Combine(state, $"clip-{i}.mp4");
            await File.WriteAllBytesAsync(file, clip.Mp4, timeout.Token);
            // Re-encoded = a unit whose coded slices are not in the MP4 byte for byte.
            var remuxed = AnnexB.Slices(await AnnexBOfAsync(file), EncodedUnit.H264);
            var reencoded = 0;
            var at = 0;
            foreach (var unit in units)
            {
                var slices = AnnexB.Slices(unit.Image.Encoded!.Data, EncodedUnit.H264);
                var same = at + slices.Count <= remuxed.Count && slices.Select((x, k) => x.Span.SequenceEqual(remuxed[at + k].Span)).All(b => b);
                reencoded += same ? 0 : 1;
                at += slices.Count;
            }

            reencoded += Math.Abs(remuxed.Count - at) > 0 && reencoded == 0 ? 1 : 0;
            clips.Add(((ready - units[^1].ArrivedAt).TotalMilliseconds, clip.Frames, reencoded));
        }

        var held = reader.Ring.Snapshot();
        var mbits = held.Sum(f => f.Bytes) * 8 / 1e6 / (held[^1].ProducedAt - held[0].ProducedAt).TotalSeconds;
        return (latency, streamLatency, clips, mbits, missed, cpu.TotalMilliseconds / Math.Max(1, latency.Count));
    }

    /// <summary>Bare compressed readers, one per decoder: each edge photographs every camera at once (at photo decoded, assessed, encoded).</summary>
    private static async Task<(List<double> Latency, int Missed)> AllCamerasAsync(string url, int triggers, IReadOnlyList<IFrameDecoder> decoders)
    {
        var readers = decoders.Select((d, i) => new CameraReader($"bench-{i}", new RtspPacketSource(new RtspSourceSettings(url), d, TimeProvider.System, NullLogger.Instance), TimeProvider.System, NullLogger.Instance, new CameraReaderSettings())).ToList();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            foreach (var reader in readers)
            {
                reader.Start();
            }

            foreach (var reader in readers)
            {
                await reader.WaitForUnitAsync(u => u.Keyframe, timeout.Token);
                while (reader.Latest?.ProducedBasis != ProducedBasis.CameraClock)
                {
                    await reader.NextUnitAsync(timeout.Token);
                }
            }

            var plan = new CapturePlan(0, 1, TimeSpan.Zero, TimeSpan.FromSeconds(2));
            var ledgers = readers.Select(_ => new FrameLedger()).ToList();
            var latency = new List<double>();
            var missed = 0;
            for (var i = 0; i < triggers; i++)
            {
                await Task.Delay(400 + Random.Shared.Next(250), timeout.Token); // independent triggers; the warm sessions freed
                var edge = Stopwatch.GetTimestamp();
                var wall = DateTimeOffset.UtcNow;
                var photos = await Task.WhenAll(readers.Select(async (reader, k) =>
                {
                    var result = await plan.ExecuteAsync(reader, new CaptureMoment(wall, edge, null, ledgers[k]), TimeProvider.System, timeout.Token);
                    if (result.Shots.Count == 0)
                    {
                        return (double?)null;
                    }

                    var frame = result.Shots[0].Frame;
                    GC.KeepAlive(FrameQualityAnalyzer.Analyze(frame, new QualityThresholds()));
                    GC.KeepAlive(JpegEncoder.Encode(frame.Image, 85));
                    return Stopwatch.GetElapsedTime(edge).TotalMilliseconds;
                }));
                missed += photos.Count(p => p is null);
                latency.AddRange(photos.OfType<double>());
            }

            return (latency, missed);
        }
        finally
        {
            foreach (var reader in readers)
            {
                await reader.DisposeAsync();
            }
        }
    }

    private static async Task<byte[]> AnnexBOfAsync(string file)
    {
        using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-i", file, "-c:v", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "h264", "pipe:1"]) { UseShellExecute = false, RedirectStandardOutput = true })!;
        using var output = new MemoryStream();
        await ffmpeg.StandardOutput.BaseStream.CopyToAsync(output);
        await ffmpeg.WaitForExitAsync();
        return output.ToArray();
    }

    /// <summary>The last <c>frame=</c> an ffmpeg <c>-progress</c> file reported.</summary>
    private static long DecodedFrames(string progressFile)
    {
        using var stream = new FileStream(progressFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').Where(l => l.StartsWith("frame=", StringComparison.Ordinal)).Select(l => long.Parse(l[6..], CultureInfo.InvariantCulture)).LastOrDefault();
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
