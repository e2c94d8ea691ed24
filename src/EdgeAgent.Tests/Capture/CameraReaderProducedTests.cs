namespace EdgeAgent.Tests.Capture;

/// <summary>
/// Taking the first frame made at or after an edge, by the camera's clock, not the first to arrive after it: the
/// reader's <see cref="CameraReader.FirstAsync"/> with the production-time test the capture plan uses.
/// </summary>
public sealed class CameraReaderProducedTests
{
    private static readonly DateTimeOffset Edge = DateTimeOffset.Parse("2026-01-05T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_frame_that_arrives_after_the_edge_but_was_made_before_it_is_not_taken()
    {
        var time = new FakeTimeProvider(Edge);
        var source = new ScriptedFrameSource();
        await using var reader = new CameraReader("cam-1", source, time, NullLogger.Instance);
        reader.Start();
        await source.WaitOpenedAsync(1);

        var capture = MadeAtOrAfterEdgeAsync(reader, time, TimeSpan.FromSeconds(2));
        time.Advance(TimeSpan.FromMilliseconds(90));
        var early = await PushAsync(reader, source, Edge - TimeSpan.FromMilliseconds(40)); // arrives after the edge, made before it
        Assert.False(capture.IsCompleted, "a frame made before the edge must not be taken for it");
        time.Advance(TimeSpan.FromMilliseconds(66));
        var made = await PushAsync(reader, source, Edge + TimeSpan.FromMilliseconds(26));
        var taken = (await capture.WaitAsync(Wait))!;

        Assert.True(early.ArrivedAt > Edge);
        Assert.Equal(made.Sequence, taken.Sequence);
        Assert.Equal(Edge + TimeSpan.FromMilliseconds(26), taken.ProducedAt);
        Assert.Equal(ProducedBasis.CameraClock, taken.ProducedBasis);
    }

    [Fact]
    public async Task A_held_frame_made_after_the_edge_is_taken_at_once()
    {
        var time = new FakeTimeProvider(Edge);
        var source = new ScriptedFrameSource();
        await using var reader = new CameraReader("cam-1", source, time, NullLogger.Instance);
        reader.Start();
        await source.WaitOpenedAsync(1);
        time.Advance(TimeSpan.FromMilliseconds(100));
        var held = await PushAsync(reader, source, Edge + TimeSpan.FromMilliseconds(10));

        var taken = (await MadeAtOrAfterEdgeAsync(reader, time, TimeSpan.Zero).WaitAsync(Wait))!;

        Assert.Equal(held.Sequence, taken.Sequence);
        Assert.Equal(held.Image.Pixels, taken.Image.Pixels);
    }

    [Fact]
    public async Task Without_a_frame_made_after_the_edge_the_wait_ends_in_a_timeout()
    {
        var time = new FakeTimeProvider(Edge);
        var source = new ScriptedFrameSource();
        await using var reader = new CameraReader("cam-1", source, time, NullLogger.Instance);
        reader.Start();
        await source.WaitOpenedAsync(1);
        await PushAsync(reader, source, Edge - TimeSpan.FromMilliseconds(500));

        var capture = MadeAtOrAfterEdgeAsync(reader, time, TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await capture.WaitAsync(Wait)); // none taken: the caller records the photo as missing
    }

    private static Task<Frame?> MadeAtOrAfterEdgeAsync(CameraReader reader, FakeTimeProvider time, TimeSpan maxWait) =>
        reader.FirstAsync(f => f.ProducedAt >= Edge, time.GetTimestamp() + (long)(maxWait.TotalSeconds * time.TimestampFrequency));

    private static async Task<Frame> PushAsync(CameraReader reader, ScriptedFrameSource source, DateTimeOffset cameraTime)
    {
        var next = reader.NextFrameAsync();
        var pixels = new byte[128 * 32 * 3];
        FrameClockStripe.Write(pixels, 128, cameraTime.ToUnixTimeMilliseconds());
        source.Push(new RawFrame(pixels, 128, 32) { CameraTime = cameraTime });
        return await next.WaitAsync(Wait);
    }
}
