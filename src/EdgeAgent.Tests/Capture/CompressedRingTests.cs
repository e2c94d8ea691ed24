namespace EdgeAgent.Tests.Capture;

/// <summary>
/// The compressed ring's arithmetic, unit by unit on a fake clock: bounded by seconds and by bytes, always starting at a
/// keyframe. (Decoding and dating against a real camera: <see cref="CompressedCameraTests"/>.)
/// </summary>
public sealed class CompressedRingTests
{
    private const int Fps = 10;
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private long sequence;

    [Fact]
    public void The_ring_keeps_its_window_from_the_keyframe_at_or_before_its_start()
    {
        var ring = new FrameRing(long.MaxValue, TimeSpan.FromSeconds(2), TimeSpan.Zero, time, compressed: true);

        var all = Feed(ring, frames: 55, gop: 10); // 5.5 s of a 1 s GOP

        var held = ring.Snapshot();
        Assert.True(held[0].Image.Encoded!.Keyframe);
        var newest = held[^1];
        var reach = time.GetElapsedTime(held[0].Timestamp, newest.Timestamp);
        // The window (2 s) plus at most one GOP before it, so the frame 2 s back still decodes.
        Assert.InRange(reach, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
        Assert.Equal(all.TakeLast(held.Count).Select(f => f.Sequence), held.Select(f => f.Sequence)); // every unit, none skipped
        Assert.Equal(held.Sum(f => f.Bytes), ring.Bytes);
    }

    [Fact]
    public void The_ring_stays_under_its_byte_cap_dropping_whole_GOPs()
    {
        const int unitBytes = 1000;
        var ring = new FrameRing(25 * unitBytes, TimeSpan.FromSeconds(60), TimeSpan.Zero, time, compressed: true);

        for (var i = 0; i < 80; i++)
        {
            Feed(ring, frames: 1, gop: 10, first: i, bytes: unitBytes);
            var held = ring.Snapshot();
            Assert.True(ring.Bytes <= 25 * unitBytes, $"{ring.Bytes} bytes after unit {i}");
            Assert.True(held.Count == 0 || held[0].Image.Encoded!.Keyframe);
        }

        Assert.InRange(ring.Count, 10, 25); // at least the GOP being filled, never more than the cap
    }

    [Fact]
    public void A_GOP_longer_than_the_byte_cap_is_not_kept_until_the_next_keyframe()
    {
        var ring = new FrameRing(5_500, TimeSpan.FromSeconds(60), TimeSpan.Zero, time, compressed: true);

        Feed(ring, frames: 10, gop: 10, bytes: 1000); // a GOP of 10 kB > 5.5 kB

        Assert.Equal(0, ring.Count); // dropped when it outgrew the cap, and its remaining units are not decodable alone
        Assert.Equal(0, ring.Bytes);
        Feed(ring, frames: 3, gop: 10, first: 10, bytes: 1000);
        Assert.Equal(3, ring.Count);
        Assert.True(ring.Snapshot()[0].Image.Encoded!.Keyframe);
    }

    [Fact]
    public void A_GOP_longer_than_the_window_is_kept_whole_from_its_keyframe()
    {
        var ring = new FrameRing(long.MaxValue, TimeSpan.FromSeconds(1), TimeSpan.Zero, time, compressed: true);

        Feed(ring, frames: 70, gop: 40); // 4 s GOPs, a 1 s window

        var held = ring.Snapshot();
        Assert.True(held[0].Image.Encoded!.Keyframe);
        Assert.Equal(70 - 40, held.Count); // the whole current GOP (from unit 40), not just its last second
        Assert.Equal(held.Count, ring.UnitsFor(held[^1])!.Count);
    }

    [Fact]
    public void A_stream_joined_mid_GOP_is_kept_from_its_first_keyframe()
    {
        var ring = new FrameRing(long.MaxValue, TimeSpan.FromSeconds(10), TimeSpan.Zero, time, compressed: true);

        Feed(ring, frames: 25, gop: 10, first: 3); // units 3..27: the first keyframe is unit 10

        var held = ring.Snapshot();
        Assert.Equal(18, held.Count);
        Assert.True(held[0].Image.Encoded!.Keyframe);
        Assert.Equal([.. held.Take(5).Select(f => f.Image.Encoded!)], ring.UnitsFor(held[4]));
    }

    [Fact]
    public void After_a_reconnect_nothing_is_kept_until_the_next_keyframe()
    {
        var ring = new FrameRing(long.MaxValue, TimeSpan.FromSeconds(10), TimeSpan.Zero, time, compressed: true);
        Feed(ring, frames: 15, gop: 10);

        ring.Interrupt();
        Feed(ring, frames: 12, gop: 10, first: 15); // units 15..26: mid-GOP until unit 20

        var held = ring.Snapshot();
        Assert.Equal([.. Enumerable.Range(0, 15), .. Enumerable.Range(20, 7)], held.Select(f => (int)(f.Image.Encoded!.Pts / 100_000_000L)));
    }

    [Fact]
    public void A_new_picture_size_starts_the_ring_again_at_its_first_keyframe()
    {
        var ring = new FrameRing(long.MaxValue, TimeSpan.FromSeconds(10), TimeSpan.Zero, time, compressed: true);
        Feed(ring, frames: 25, gop: 10);

        Feed(ring, frames: 15, gop: 10, first: 30, width: 320, height: 180);

        var held = ring.Snapshot();
        Assert.Equal(15, held.Count);
        Assert.All(held, f => Assert.Equal((320, 180), (f.Image.Encoded!.Width, f.Image.Encoded.Height)));
    }

    private List<Frame> Feed(FrameRing ring, int frames, int gop, int first = 0, int bytes = 500, int width = 640, int height = 360)
    {
        var fed = new List<Frame>();
        for (var n = first; n < first + frames; n++)
        {
            var unit = new EncodedUnit(new byte[n % gop == 0 ? bytes * 2 : bytes], EncodedUnit.H264, n % gop == 0, n * 100_000_000L, width, height);
            var frame = new Frame(RawFrame.Of(unit, null), ++sequence, time.GetTimestamp(), time.GetUtcNow());
            ring.Offer(frame);
            fed.Add(frame);
            time.Advance(TimeSpan.FromSeconds(1.0 / Fps));
        }

        return fed;
    }
}
