using EdgeAgent.Capture;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Health.Doctor;

/// <summary>Opens a camera the way the agent would and checks it yields sharp frames that move.</summary>
public static class CameraCheck
{
    private const int FramesWanted = 5;

    public static async Task<DoctorResult> RunAsync(CameraOptions camera, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var name = $"camera {camera.Id}";
        using var logs = new CollectingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var source = new FrameSourceFactory(TimeProvider.System, loggerFactory).Create(camera);
        RawFrame? first = null;
        RawFrame? last = null;
        var count = 0;
        string? error = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await foreach (var frame in source.ReadFramesAsync(deadline.Token))
            {
                first ??= frame;
                last = frame;
                if (++count >= FramesWanted)
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

        var sharpness = SharpnessMeter.Measure(last);
        var detail = $"{count} frames {last.Width}x{last.Height}, sharpness {sharpness:0}";
        if (count > 1 && SharpnessMeter.Difference(first!, last) == 0)
        {
            return DoctorResult.Fail(name, detail + ", but FROZEN: every frame is identical", "the camera or its encoder is stuck on one picture: power-cycle the camera, check its firmware");
        }

        return sharpness < SharpnessMeter.BlurredBelow
            ? DoctorResult.Warn(name, detail + ": blurred, covered or blank", $"clean the lens and refocus while watching the score: edgeagent snapshot --camera {camera.Id} -o aim.jpg")
            : DoctorResult.Pass(name, detail);
    }

    /// <summary>Uses the running agent's view of a camera: the agent holds the device, so it cannot be opened twice.</summary>
    public static DoctorResult FromAgent(CameraHealth camera)
    {
        var name = $"camera {camera.Id}";
        var detail = $"via running agent: {camera.State}, {camera.Fps?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) ?? "?"} fps, last frame {camera.LastFrameAgeSeconds?.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) ?? "never"} s ago, sharpness {camera.Sharpness?.ToString("0", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}";
        if (camera.State != "connected")
        {
            return DoctorResult.Fail(name, detail + (camera.LastError is null ? "" : $" ({camera.LastError})"), "check the camera's power, cable or network, and its Url in the config; journalctl -u edgeagent shows the reader's errors");
        }

        return camera.Sharpness < SharpnessMeter.BlurredBelow
            ? DoctorResult.Warn(name, detail + ": blurred, covered or blank", $"clean the lens and refocus: edgeagent snapshot --camera {camera.Id} -o aim.jpg")
            : DoctorResult.Pass(name, detail);
    }

    private static string FixFor(CameraOptions camera) => camera.Kind == "ffmpeg"
        ? $"check that the camera is powered and reachable and that the Url of camera '{camera.Id}' is right; try: ffprobe '{FfmpegFrameSource.RedactUrl(camera.Url ?? "")}'"
        : "check the camera configuration";
}
