namespace EdgeAgent.Tests.Capture;

/// <summary>The test camera is the ground truth for timing tests, so its own claims are checked from what it puts on the wire.</summary>
public sealed class RtspTestCameraTests
{
    [Fact]
    public async Task Sender_reports_map_each_frames_rtp_time_to_the_time_written_in_its_pixels()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "640x360", check: true);
        var source = new GstreamerFrameSource(new GstreamerSourceSettings(camera.Url, 640, 360), NullLogger.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var enough = camera.WaitUntilAsync(c => c.SenderReports.Count >= 2 && c.SentFrames.Count >= 100, TimeSpan.FromSeconds(90));
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in source.ReadFramesAsync(stop.Token))
            {
            }
        });

        await enough;
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);

        // Each frame's RTP time, mapped through the sender report nearest to it (RTP at 90 kHz), against its stripe time.
        var reports = camera.SenderReports;
        var errors = camera.SentFrames.Select(f =>
        {
            var report = reports.MinBy(r => Math.Abs(RtpDelta(f.Rtp, r.Rtp)));
            var mappedMs = (report.NtpUnixNs / 1e6) + (RtpDelta(f.Rtp, report.Rtp) / 90.0);
            return mappedMs - f.StripeMs;
        }).ToList();

        // The stripe holds whole milliseconds (truncated), so a true mapping is 0 to 1 ms later than the stripe. A sender
        // report dated at send time instead of capture time would be later by the encoder's latency.
        Assert.True(errors.Count >= 100);
        var sorted = errors.Order().ToList();
        Assert.InRange(sorted[sorted.Count / 2], -2, 2);
        Assert.All(errors, e => Assert.InRange(e, -20, 20));
    }

    private static long RtpDelta(uint a, uint b) => unchecked((int)(a - b));
}
