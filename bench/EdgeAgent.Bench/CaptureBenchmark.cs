using System.Diagnostics;
using EdgeAgent.Capture;
using EdgeAgent.Capture.Quality;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Bench;

/// <summary>
/// Trigger → encoded JPEG at the capture stage, and the age of that frame at the trigger: EdgeAgent's always-on
/// reader (capture the newest frame, assess its quality, encode it) against <c>ffmpeg -frames:v 1</c> opening the
/// same stream and writing one JPEG, as a script would. Frame age comes from the clock stripe in every frame.
/// </summary>
public static class CaptureBenchmark
{
    public static async Task<LatencyBenchmark.Result> EdgeAgentAsync(BenchOptions options, string streamUrl)
    {
        var source = new FfmpegFrameSource(new FfmpegSourceSettings(streamUrl, options.Width, options.Height), NullLogger.Instance);
        await using var reader = new CameraReader("bench", source, TimeProvider.System, NullLogger.Instance);
        reader.Start();
        await reader.NextFrameAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var result = new LatencyBenchmark.Result([], []);
        for (var i = 0; i < options.Triggers; i++)
        {
            await Task.Delay(150 + Random.Shared.Next(250)); // independent triggers, not phase-locked to the camera
            var at = DateTimeOffset.UtcNow;
            var trigger = Stopwatch.GetTimestamp();
            var frame = await reader.CaptureAsync(trigger, TimeSpan.FromSeconds(1));
            var quality = FrameQualityAnalyzer.Analyze(frame, new QualityThresholds());
            var jpeg = JpegEncoder.Encode(frame.Image, 85);
            result.LatencyMs.Add(Stopwatch.GetElapsedTime(trigger).TotalMilliseconds);
            result.FrameOffsetMs.Add(Offset(at, frame.Image));
            GC.KeepAlive(quality);
            GC.KeepAlive(jpeg);
        }

        return result;
    }

    public static async Task<LatencyBenchmark.Result> FfmpegOneFrameAsync(BenchOptions options, string streamUrl)
    {
        Directory.CreateDirectory(options.WorkDirectory);
        var image = Path.Combine(options.WorkDirectory, "one-frame.jpg");
        var result = new LatencyBenchmark.Result([], []);
        for (var i = 0; i < options.Triggers; i++)
        {
            await Task.Delay(150 + Random.Shared.Next(250));
            var at = DateTimeOffset.UtcNow;
            var trigger = Stopwatch.GetTimestamp();
            using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", streamUrl, "-frames:v", "1", "-q:v", "4", "-f", "image2", "-y", image]) { UseShellExecute = false, RedirectStandardError = true })!;
            var errors = ffmpeg.StandardError.ReadToEndAsync();
            await ffmpeg.WaitForExitAsync();
            if (ffmpeg.ExitCode != 0)
            {
                throw new InvalidOperationException($"ffmpeg -frames:v 1 failed: {await errors}");
            }

            result.LatencyMs.Add(Stopwatch.GetElapsedTime(trigger).TotalMilliseconds);
            result.FrameOffsetMs.Add(Offset(at, JpegEncoder.Decode(await File.ReadAllBytesAsync(image))));
        }

        return result;
    }

    /// <summary>Produced − trigger, as <c>frame.offsetMs</c> in records: negative = produced before the trigger.</summary>
    private static double Offset(DateTimeOffset trigger, RawFrame image) =>
        (DateTimeOffset.FromUnixTimeMilliseconds(FrameClockStripe.Read(image.Pixels, image.Width)) - trigger).TotalMilliseconds;
}
