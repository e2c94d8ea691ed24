namespace EdgeAgent.Tests.Capture;

public sealed class CameraReaderResilienceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static readonly CameraReaderSettings Settings = new()
    {
        HangTimeout = TimeSpan.FromSeconds(5),
        InitialBackoff = TimeSpan.FromMilliseconds(500),
        MaxBackoff = TimeSpan.FromSeconds(4),
        FailingAfter = 3,
    };

    [Fact]
    public async Task Source_with_no_frame_for_the_hang_timeout_is_cancelled_and_restarted()
    {
        var time = new FakeTimeProvider();
        var source = new ScriptedFrameSource();
        await using var reader = new CameraReader("cam-1", source, time, NullLogger.Instance, Settings);
        reader.Start();
        await source.WaitOpenedAsync(1);
        var next = reader.NextFrameAsync();
        source.Push(time.GetUtcNow());
        await next.WaitAsync(Wait);

        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(CameraState.Connected, reader.State);
        Assert.Equal(1, source.Opens);

        var lost = reader.WaitForStatusAsync(s => s.State == CameraState.Reconnecting);
        time.Advance(TimeSpan.FromMilliseconds(100));
        var status = await lost.WaitAsync(Wait);
        Assert.Contains("no frame for 5 s", status.Reason, StringComparison.Ordinal);
        Assert.Equal(1, source.Cancellations);

        time.Advance(Settings.InitialBackoff);
        await source.WaitOpenedAsync(2);
        var back = reader.WaitForStatusAsync(s => s.State == CameraState.Connected);
        source.Push(time.GetUtcNow());
        Assert.Equal(1, (await back.WaitAsync(Wait)).Restarts);
    }

    [Fact]
    public async Task Frames_keep_resetting_the_hang_watchdog()
    {
        var time = new FakeTimeProvider();
        var source = new ScriptedFrameSource();
        await using var reader = new CameraReader("cam-1", source, time, NullLogger.Instance, Settings);
        reader.Start();
        await source.WaitOpenedAsync(1);
        for (var i = 0; i < 5; i++)
        {
            var next = reader.NextFrameAsync();
            source.Push(time.GetUtcNow());
            await next.WaitAsync(Wait);
            time.Advance(TimeSpan.FromSeconds(4));
        }

        Assert.Equal(CameraState.Connected, reader.State);
        Assert.Equal(0, source.Cancellations);
    }

    [Fact]
    public async Task Dropped_stream_reports_reconnecting_then_failing_with_the_reason_and_backs_off_doubling()
    {
        var time = new FakeTimeProvider();
        var source = new ScriptedFrameSource();
        await using var reader = new CameraReader("cam-1", source, time, NullLogger.Instance, Settings);
        reader.Start();
        await source.WaitOpenedAsync(1);
        var connected = reader.WaitForStatusAsync(s => s.State == CameraState.Connected);
        source.Push(time.GetUtcNow());
        await connected.WaitAsync(Wait);

        var states = new List<CameraStatus>();
        var expectedBackoffs = new[] { 500, 1000, 2000 };
        for (var attempt = 0; attempt < expectedBackoffs.Length; attempt++)
        {
            var reported = reader.WaitForStatusAsync(s => s.State != CameraState.Connected && s.Reason!.Contains($"refused #{attempt}", StringComparison.Ordinal));
            source.Break(new IOException($"connection refused #{attempt}"));
            states.Add(await reported.WaitAsync(Wait));

            time.Advance(TimeSpan.FromMilliseconds(expectedBackoffs[attempt] - 1));
            Assert.Equal(attempt + 1, source.Opens);
            time.Advance(TimeSpan.FromMilliseconds(1));
            await source.WaitOpenedAsync(attempt + 2);
        }

        Assert.Equal([CameraState.Reconnecting, CameraState.Reconnecting, CameraState.Failing], states.Select(s => s.State));
        Assert.Equal("connection refused #2", reader.LastError);

        var recovered = reader.WaitForStatusAsync(s => s.State == CameraState.Connected);
        source.Push(time.GetUtcNow());
        var status = await recovered.WaitAsync(Wait);
        Assert.Null(status.Reason);
        Assert.Equal(3, status.Restarts);
    }

    [Fact]
    public async Task Missing_v4l2_device_reports_failing_at_once_with_an_actionable_reason()
    {
        var time = new FakeTimeProvider();
        var device = "/dev/video-edgeagent-test-" + Guid.NewGuid().ToString("N")[..6];
        await using var reader = new CameraReader("usb-1", new V4l2FrameSource(device, 640, 480, 10), time, NullLogger.Instance, Settings);
        reader.Start();

        var status = await reader.WaitForStatusAsync(s => s.State == CameraState.Failing).WaitAsync(Wait);

        Assert.Contains($"no such device {device}", status.Reason, StringComparison.Ordinal);
        Assert.Contains("plugged in", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pooled_buffers_are_reused_only_after_the_reader_retires_them_and_captures_get_copies()
    {
        var time = new FakeTimeProvider();
        var source = new ScriptedFrameSource(128, 32);
        var pool = new FrameBufferPool();
        await using var reader = new CameraReader("cam-1", source, time, NullLogger.Instance, Settings);
        reader.Start();
        await source.WaitOpenedAsync(1);

        var buffers = new List<byte[]>();
        for (var i = 0; i < 3; i++)
        {
            var pixels = new byte[128 * 32 * 3];
            Array.Fill(pixels, (byte)(10 * (i + 1)));
            buffers.Add(pixels);
            var next = reader.NextFrameAsync();
            source.Push(new RawFrame(pixels, 128, 32) { Pool = pool });
            await next.WaitAsync(Wait);
        }

        // Frames 1 and 2 were replaced, so their buffers are back in the pool; frame 3's is still in use.
        var reused = new[] { pool.Rent(128 * 32 * 3), pool.Rent(128 * 32 * 3), pool.Rent(128 * 32 * 3) };
        Assert.Contains(reused, r => ReferenceEquals(r, buffers[0]));
        Assert.Contains(reused, r => ReferenceEquals(r, buffers[1]));
        Assert.DoesNotContain(reused, r => ReferenceEquals(r, buffers[2]));

        var captured = await reader.CaptureAsync(0, TimeSpan.Zero);
        Array.Fill(buffers[2], (byte)0);
        Assert.All(captured.Image.Pixels, p => Assert.Equal(30, p));
    }
}
