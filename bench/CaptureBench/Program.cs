using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Capture;
using EdgeAgent.Capture.Quality;
using Microsoft.Extensions.Logging.Abstractions;

// Capture benchmark: trigger -> encoded JPEG latency, frame age at trigger, CPU per stream against ffmpeg
// decoding the same stream alone, and peak RSS with two 1080p cameras. Usage: CaptureBench [seconds]
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var work = Directory.CreateTempSubdirectory("edgeagent-bench-");
try
{
    var rssOnly = args.Length > 1 && args[1] == "rss";
    foreach (var (name, size) in new[] { ("720p", "1280x720"), ("1080p", "1920x1080") })
    {
        if (rssOnly && name == "720p")
        {
            continue;
        }

        var clip = Path.Combine(work.FullName, $"{name}.mp4");
        Ffmpeg.Run("-f", "lavfi", "-i", $"testsrc2=size={size}:rate=25", "-t", "10", "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p", clip);
        var (w, h) = (int.Parse(size.Split('x')[0], CultureInfo.InvariantCulture), int.Parse(size.Split('x')[1], CultureInfo.InvariantCulture));

        if (rssOnly)
        {
            continue;
        }

        var alone = Ffmpeg.DecodeAloneCpu(clip, w, h, seconds);
        var (ours, latency, ages) = await Measure.StreamAsync(clip, w, h, seconds);
        Console.WriteLine($"{name} h264@25: ffmpeg alone {alone:0.000} CPU-s/s, EdgeAgent reader (ffmpeg child + .NET) {ours:0.000} CPU-s/s, ratio {ours / alone:0.00}");
        Console.WriteLine($"{name} trigger->JPEG (capture + quality + encode) p50 {Stats.P(latency, 50):0.0} ms p95 {Stats.P(latency, 95):0.0} ms max {latency.Max():0.0} ms (n={latency.Count})");
        Console.WriteLine($"{name} frame age at trigger (arrival - trigger) p50 {Stats.P(ages, 50):0.0} ms p95 {Stats.P(ages, 95):0.0} ms min {ages.Min():0.0} max {ages.Max():0.0}");
    }

    var clip1080 = Path.Combine(work.FullName, "1080p.mp4");
    var cameras = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
    var (managedPeak, childPeak) = await Measure.CamerasRssAsync(clip1080, seconds, cameras);
    Console.WriteLine($"GC.ConserveMemory={AppContext.GetData("System.GC.ConserveMemory") ?? Environment.GetEnvironmentVariable("DOTNET_GCConserveMemory") ?? "default"}");
    Console.WriteLine($"{cameras} x 1080p cameras with 48 MiB pre-trigger rings, a 4+3 photo plan on each every 5 s: EdgeAgent peak RSS {managedPeak / 1048576.0:0} MiB, ffmpeg children peak {childPeak / 1048576.0:0} MiB total");
    var gc = GC.GetGCMemoryInfo();
    Console.WriteLine($"GC: heap {gc.HeapSizeBytes / 1048576.0:0} MiB, committed {gc.TotalCommittedBytes / 1048576.0:0} MiB, gen2 collections {GC.CollectionCount(2)}, allocated {GC.GetTotalAllocatedBytes() / 1048576.0:0} MiB");
}
finally
{
    work.Delete(recursive: true);
}

internal static class Measure
{
    public static async Task<(double CpuPerSecond, List<double> LatencyMs, List<double> AgeMs)> StreamAsync(string clip, int w, int h, int seconds)
    {
        var latency = new List<double>();
        var ages = new List<double>();

        // CPU of streaming alone (no triggers): the cost every camera pays all day. Measured from the first frame
        // on to the reaped child, so ffmpeg start-up and the JIT count against us, not against the baseline.
        var before = ProcStat.SelfAndReapedChildrenCpu();
        var wall = Stopwatch.StartNew();
        await using (var reader = new CameraReader("bench", new FfmpegFrameSource(new FfmpegSourceSettings(clip, w, h), NullLogger.Instance), TimeProvider.System, NullLogger.Instance))
        {
            reader.Start();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
        }

        var cpu = (ProcStat.SelfAndReapedChildrenCpu() - before) / wall.Elapsed.TotalSeconds;

        // Latency and frame age: triggers at random moments, each doing what the recorder does with a frame.
        await using (var reader = new CameraReader("bench", new FfmpegFrameSource(new FfmpegSourceSettings(clip, w, h), NullLogger.Instance), TimeProvider.System, NullLogger.Instance))
        {
            reader.Start();
            await reader.NextFrameAsync().WaitAsync(TimeSpan.FromSeconds(20));
            var random = new Random(1);
            wall.Restart();
            while (wall.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                await Task.Delay(random.Next(150, 400));
                var trigger = Stopwatch.GetTimestamp();
                var frame = await reader.CaptureAsync(trigger, TimeSpan.FromSeconds(1));
                var quality = FrameQualityAnalyzer.Analyze(frame, new QualityThresholds());
                var jpeg = JpegEncoder.Encode(frame.Image, 85);
                latency.Add(Stopwatch.GetElapsedTime(trigger).TotalMilliseconds);
                ages.Add(Stopwatch.GetElapsedTime(trigger, frame.Timestamp).TotalMilliseconds);
                GC.KeepAlive(quality);
                GC.KeepAlive(jpeg);
            }
        }

        return (cpu, latency, ages);
    }

    public static async Task<(long ManagedPeak, long ChildPeak)> CamerasRssAsync(string clip, int seconds, int count)
    {
        var settings = new CameraReaderSettings { PreTriggerBytes = 48L * 1024 * 1024 };
        var readers = Enumerable.Range(0, count)
            .Select(i => new CameraReader($"cam-{i}", new FfmpegFrameSource(new FfmpegSourceSettings(clip, 1920, 1080), NullLogger.Instance), TimeProvider.System, NullLogger.Instance, settings))
            .ToList();
        readers.ForEach(r => r.Start());
        long childPeak = 0;
        var wall = Stopwatch.StartNew();
        var plan = new CapturePlan(4, 3, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        while (wall.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            await Task.Delay(1000);
            childPeak = Math.Max(childPeak, ProcStat.ChildrenRss());
            if ((int)wall.Elapsed.TotalSeconds % 5 != 0)
            {
                continue; // a trigger about every 5 s on both cameras: far more than a site makes
            }

            var trigger = Stopwatch.GetTimestamp();
            foreach (var reader in readers)
            {
                foreach (var frame in await plan.ExecuteAsync(reader, trigger, TimeProvider.System))
                {
                    GC.KeepAlive(JpegEncoder.Encode(frame.Image, 85));
                }
            }
        }

        foreach (var reader in readers)
        {
            await reader.DisposeAsync();
        }

        return (ProcStat.SelfPeakRss(), childPeak);
    }
}

internal static class ProcStat
{
    private static readonly double Tick = 100.0; // USER_HZ

    /// <summary>utime + stime + cutime + cstime of this process, in seconds.</summary>
    public static double SelfAndReapedChildrenCpu()
    {
        var fields = File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return Enumerable.Range(11, 4).Sum(i => double.Parse(fields[i], CultureInfo.InvariantCulture)) / Tick;
    }

    public static long SelfPeakRss() => StatusKb("/proc/self/status", "VmHWM:") * 1024;

    public static long ChildrenRss() => Directory.GetDirectories("/proc/self/task")
        .SelectMany(t => File.ReadAllText(Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Sum(pid => StatusKb($"/proc/{pid}/status", "VmRSS:") * 1024);

    private static long StatusKb(string path, string key)
    {
        try
        {
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

internal static class Ffmpeg
{
    public static void Run(params string[] args)
    {
        using var process = Start(args);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("ffmpeg failed: " + string.Join(' ', args));
        }
    }

    /// <summary>ffmpeg decoding the clip at its native rate to raw BGR into nothing: the baseline cost of one stream.</summary>
    public static double DecodeAloneCpu(string clip, int w, int h, int seconds)
    {
        var before = ProcStat.SelfAndReapedChildrenCpu();
        var wall = Stopwatch.StartNew();
        using (var process = Start("-re", "-stream_loop", "-1", "-i", clip, "-t", seconds.ToString(CultureInfo.InvariantCulture), "-an", "-vf", $"scale={w}:{h}", "-f", "rawvideo", "-pix_fmt", "bgr24", "-y", "/dev/null"))
        {
            process.WaitForExit();
        }

        return (ProcStat.SelfAndReapedChildrenCpu() - before) / wall.Elapsed.TotalSeconds;
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("ffmpeg") { UseShellExecute = false };
        foreach (var arg in new[] { "-hide_banner", "-nostdin", "-loglevel", "error" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }
}

internal static class Stats
{
    public static double P(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
