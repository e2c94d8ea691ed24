using EdgeAgent.Capture;
using EdgeAgent.Capture.Quality;
using EdgeAgent.Configuration;
using EdgeAgent.Health;
using EdgeAgent.Protocol;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Doctor;

/// <summary>Opens a camera the way the agent would and checks it yields sharp frames that move.</summary>
public static class CameraCheck
{
    private const int FramesWanted = 5;

    /// <param name="latency">When given, fed with every frame read, so the caller can judge the camera's timing; an RTSP source
    /// (managed or GStreamer) is read until a few frames carry the camera's clock (its first RTCP sender report), within the timeout.</param>
    public static async Task<DoctorResult> RunAsync(CameraOptions camera, TimeSpan timeout, RawFrame? reference = null, StreamLatency? latency = null, CancellationToken cancellationToken = default)
    {
        var name = $"camera {camera.Id}";
        using var logs = new CollectingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var source = new FrameSourceFactory(TimeProvider.System, loggerFactory).Create(camera);
        RawFrame? first = null;
        RawFrame? last = null;
        var count = 0;
        // A camera read as its compressed stream gives encoded units: keep the first keyframe and the newest GOP to
        // decode at the end (the same decoder the agent uses for photos); never look at pixels that are not there.
        var encoded = source as IEncodedFrameSource;
        EncodedUnit? firstKeyframe = null;
        var gop = new List<EncodedUnit>();
        string? error = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await foreach (var frame in source.ReadFramesAsync(deadline.Token))
            {
                first ??= frame;
                last = frame;
                if (frame.Encoded is { } unit)
                {
                    if (unit.Keyframe || !unit.IsVideo)
                    {
                        gop.Clear();
                        firstKeyframe ??= unit;
                    }

                    if (gop.Count > 0 || unit.Keyframe || !unit.IsVideo)
                    {
                        gop.Add(unit);
                    }
                }

                latency?.Estimate(TimeProvider.System.GetUtcNow(), frame.CameraTime);
                var waitingForClock = latency is not null && (source.Describe().StartsWith("gstreamer", StringComparison.Ordinal) || source is Capture.Rtsp.RtspPacketSource)
                    && latency.Reading.Samples < FramesWanted && latency.Reading.RejectedCameraTimes < FramesWanted;
                var waitingForKeyframe = encoded is not null && gop.Count == 0;
                if (++count >= FramesWanted && !waitingForClock && !waitingForKeyframe)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = ex.Message;
        }

        if (last is null)
        {
            if (error is null && !cancellationToken.IsCancellationRequested)
            {
                // The stream ended at once: give the source's own explanation (ffmpeg's stderr) a moment to arrive.
                try
                {
                    await logs.FirstLine.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
                }
                catch (TimeoutException)
                {
                }
            }

            var lines = logs.Lines;
            var said = lines.Count > 0 ? lines[^1] : null;
            var quote = said?.IndexOf(" says: ", StringComparison.Ordinal) ?? -1;
            var why = error ?? (quote >= 0 ? said![(quote + 7)..] : said) ?? $"no frame within {timeout.TotalSeconds:0} s";
            return DoctorResult.Fail(name, $"{source.Describe()}: no frame: {why}", FixFor(camera));
        }

        if (encoded is not null && last.IsEncodedOnly)
        {
            if (firstKeyframe is null)
            {
                return DoctorResult.Fail(name, $"{source.Describe()}: {count} units but no keyframe within {timeout.TotalSeconds:0} s", FixFor(camera));
            }

            try
            {
                first = await encoded.Decoder.DecodeLastAsync([firstKeyframe], cancellationToken);
                last = await encoded.Decoder.DecodeLastAsync(gop, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return DoctorResult.Fail(name, $"{source.Describe()}: the stream does not decode: {ex.Message}", FixFor(camera));
            }
        }

        // The same analyzer that judges evidence photos; frozen = the last frame is identical to the first.
        // Doctor's own rule: every frame of its short look identical counts as unchanged for the whole frozen window.
        var unchanged = count > 1 && FrameFingerprint.Of(first!) == FrameFingerprint.Of(last) ? count - 1 : 0;
        var quality = FrameQualityAnalyzer.Analyze(last, unchanged, unchanged > 0 ? TimeSpan.FromSeconds(camera.Quality.FrozenAfterSeconds) : TimeSpan.Zero, camera.Quality, reference);
        var scene = quality.SceneMatch is { } match ? $", scene match {match:0.00}" : "";
        var detail = $"{count} frames {last.Width}x{last.Height}, sharpness {quality.Sharpness:0}{scene}";
        if (quality.Flags.Contains(FrameQuality.Frozen))
        {
            return DoctorResult.Fail(name, detail + ", but FROZEN: every frame is identical", "the camera or its encoder is stuck on one picture: power-cycle the camera, check its firmware");
        }

        return Judge(name, detail, quality.Flags, camera.Id);
    }

    /// <summary>Uses the running agent's view of a camera: the agent holds the device, so it cannot be opened twice.</summary>
    public static DoctorResult FromAgent(CameraHealthEntry camera)
    {
        var name = $"camera {camera.Id}";
        var scene = camera.SceneMatch is { } match ? $", scene match {match:0.00}" : "";
        var detail = $"via running agent: {camera.State}, {camera.Fps?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) ?? "?"} fps, last frame {camera.LastFrameAgeSeconds?.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) ?? "never"} s ago, sharpness {camera.Sharpness?.ToString("0", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}{scene}";
        if (camera.State != "connected")
        {
            return DoctorResult.Fail(name, detail + (camera.LastError is null ? "" : $" ({camera.LastError})"), "check the camera's power, cable or network, and its Url in the config; journalctl -u edgeagent shows the reader's errors");
        }

        return Judge(name, detail, camera.Flags, camera.Id);
    }

    /// <summary>A commissioning reference is what lets health notice a camera that was turned or obstructed.</summary>
    public static DoctorResult Reference(string cameraId, bool commissioned) => commissioned
        ? DoctorResult.Pass($"scene {cameraId}", "reference view commissioned")
        : DoctorResult.Warn($"scene {cameraId}", "no scene reference commissioned: a camera that is turned or obstructed goes unnoticed", $"aim and focus the camera, then: edgeagent commission --camera {cameraId}");

    private static DoctorResult Judge(string name, string detail, IReadOnlyList<string> flags, string cameraId)
    {
        if (flags.Contains(FrameQuality.SceneMismatch))
        {
            return DoctorResult.Warn(name, detail + ": the view does not match the commissioning reference", $"re-aim the camera or clear what blocks it; if the new view is right: edgeagent commission --camera {cameraId}");
        }

        return flags.Count > 0
            ? DoctorResult.Warn(name, $"{detail}: {string.Join(", ", flags)}", $"clean the lens and refocus while watching the score: edgeagent snapshot --camera {cameraId} -o aim.jpg")
            : DoctorResult.Pass(name, detail);
    }

    private static string FixFor(CameraOptions camera) => camera.Kind == "ffmpeg"
        ? $"check that the camera is powered and reachable and that the Url of camera '{camera.Id}' is right; try: ffprobe '{CameraUrl.Redact(camera.Url ?? "")}'"
        : "check the camera configuration";
}
