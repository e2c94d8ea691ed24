using EdgeAgent.Capture.Decoding;
using EdgeAgent.Capture.Quality;

namespace EdgeAgent.Tests.Capture.Decoding;

/// <summary>
/// The warm in-process decoder (Debian's libavcodec) on units recorded from the real RTSP test camera: every picture is
/// checked against the production time the camera wrote into its pixels (<see cref="FrameClockStripe"/>), and how much
/// it decoded against its own count of units fed.
/// </summary>
public sealed class WarmGopDecoderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData("h264")]
    [InlineData("h265")]
    public async Task A_later_frame_of_the_same_GOP_feeds_only_the_units_after_the_last_one_decoded(string codec)
    {
        var gop = (await RecordAsync(codec, gops: 1))[0];
        using var decoder = NewDecoder(640, 360);

        AssertStripe(gop[4], await decoder.DecodeLastAsync(Units(gop, 4)));
        Assert.Equal(5, decoder.PacketsFed);
        AssertStripe(gop[9], await decoder.DecodeLastAsync(Units(gop, 9)));
        Assert.Equal(10, decoder.PacketsFed); // five more, not ten
        AssertStripe(gop[9], await decoder.DecodeLastAsync(Units(gop, 9)));
        Assert.Equal(10, decoder.PacketsFed); // the same frame again: nothing to feed
        Assert.Equal(0, decoder.Restarts);
    }

    [Theory]
    [InlineData("h264")]
    [InlineData("h265")]
    public async Task An_earlier_frame_or_another_GOP_starts_again_from_its_keyframe(string codec)
    {
        var gops = await RecordAsync(codec, gops: 2);
        using var decoder = NewDecoder(640, 360);

        await decoder.DecodeLastAsync(Units(gops[0], 9));
        AssertStripe(gops[0][3], await decoder.DecodeLastAsync(Units(gops[0], 3)));
        Assert.Equal((10 + 4, 1), (decoder.PacketsFed, decoder.Restarts));
        AssertStripe(gops[1][2], await decoder.DecodeLastAsync(Units(gops[1], 2)));
        Assert.Equal((10 + 4 + 3, 2), (decoder.PacketsFed, decoder.Restarts));
    }

    [Fact]
    public async Task A_prefed_GOP_leaves_only_the_new_unit_and_a_prefeed_behind_the_session_does_nothing()
    {
        var gop = (await RecordAsync("h264", gops: 1))[0];
        using var decoder = NewDecoder(640, 360);

        await decoder.PrefeedAsync(Units(gop, 8));
        Assert.Equal(9, decoder.PacketsFed);
        AssertStripe(gop[9], await decoder.DecodeLastAsync(Units(gop, 9)));
        Assert.Equal(10, decoder.PacketsFed);
        await decoder.PrefeedAsync(Units(gop, 5)); // a late prefeed must not drag the session back
        Assert.Equal((10, 0), (decoder.PacketsFed, decoder.Restarts));
    }

    [Fact]
    public async Task A_lone_keyframe_decodes_on_its_own_and_does_not_disturb_the_session()
    {
        var gops = await RecordAsync("h264", gops: 2);
        using var decoder = NewDecoder(640, 360);

        await decoder.DecodeLastAsync(Units(gops[0], 5));
        AssertStripe(gops[1][0], await decoder.DecodeLastAsync(Units(gops[1], 0))); // a health sample
        AssertStripe(gops[0][7], await decoder.DecodeLastAsync(Units(gops[0], 7)));
        Assert.Equal((6 + 1 + 2, 0), (decoder.PacketsFed, decoder.Restarts));
    }

    [Fact]
    public async Task The_session_is_freed_after_its_idle_time_and_starts_again_from_the_keyframe()
    {
        var gop = (await RecordAsync("h264", gops: 1))[0];
        var time = new FakeTimeProvider();
        using var decoder = new WarmGopDecoder(640, 360, new FfmpegGopDecoder(640, 360), FfmpegLibraries.Default, time, TimeSpan.FromSeconds(5));

        await decoder.DecodeLastAsync(Units(gop, 4));
        Assert.True(decoder.Warm);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(decoder.Warm);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(decoder.Warm); // nothing held between triggers

        AssertStripe(gop[6], await decoder.DecodeLastAsync(Units(gop, 6)));
        Assert.Equal(5 + 7, decoder.PacketsFed);
    }

    [Fact]
    public async Task A_camera_that_changes_picture_size_decodes_each_GOP_at_its_own_size()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "640x360", switchSize: "320x180", switchAfter: 40, gop: 15);
        await using var reader = StartReader(camera.Url);
        using var timeout = new CancellationTokenSource(Patience);
        using var decoder = NewDecoder(0, 0);
        var big = (await GopsAsync(reader, f => f.Image.Encoded!.Width == 640, 1, timeout.Token))[0];
        await DatedAsync(reader, timeout.Token);
        var small = (await GopsAsync(reader, f => f.Image.Encoded!.Width == 320 && f.ProducedBasis == ProducedBasis.CameraClock, 1, timeout.Token))[0];

        var before = await decoder.DecodeLastAsync(Units(big, 3), timeout.Token);
        var after = await decoder.DecodeLastAsync(Units(small, 3), timeout.Token);

        Assert.Equal((640, 360), (before.Width, before.Height));
        Assert.Equal((320, 180), (after.Width, after.Height));
        AssertStripe(small[3], after); // (the first GOPs come before the camera clock is known: their time is not checked)
    }

    [Fact]
    public async Task A_stream_of_another_size_is_scaled_to_the_configured_size()
    {
        var gop = (await RecordAsync("h264", gops: 1))[0];
        using var decoder = NewDecoder(1280, 720); // up, so the 8-pixel clock stripe stays readable

        var picture = await decoder.DecodeLastAsync(Units(gop, 5));

        Assert.Equal((1280, 720, 1280 * 720 * 3), (picture.Width, picture.Height, picture.Pixels.Length));
        AssertStripe(gop[5], picture);
    }

    [Theory]
    [InlineData("h264")]
    [InlineData("h265")]
    public async Task A_health_sample_decodes_straight_to_grey_at_the_analysis_size_and_measures_as_its_colour_picture(string codec)
    {
        var gop = (await RecordAsync(codec, gops: 1, size: "1280x720"))[0];
        using var decoder = NewDecoder(1280, 720);
        var keyframe = gop[0].Image.Encoded!;

        var grey = await decoder.DecodeGreyAsync(keyframe, FrameQualityAnalyzer.AnalysisWidth);
        var colour = await decoder.DecodeLastAsync([keyframe]);
        var fromGrey = FrameQualityAnalyzer.Analyze(grey, 0, TimeSpan.Zero, new QualityThresholds());
        var fromColour = FrameQualityAnalyzer.Analyze(colour, 0, TimeSpan.Zero, new QualityThresholds());

        Assert.Equal((640, 360, 640 * 360), (grey.Width, grey.Height, grey.Pixels.Length));
        Assert.Equal(2, decoder.PacketsFed); // each a lone keyframe, libavcodec's luma scaled by libswscale: no colour picture for the grey one
        Assert.False(decoder.Warm);
        // The same thresholds keep their meaning: exposure in the same grey levels (limited-range luma expanded as for BGR),
        // the same sharpness within the two scalers' rounding.
        Assert.InRange(fromGrey.Brightness - fromColour.Brightness, -1.5, 1.5);
        Assert.InRange(fromGrey.Contrast - fromColour.Contrast, -1.5, 1.5);
        Assert.InRange(fromGrey.Sharpness / fromColour.Sharpness, 0.85, 1.15);
        Assert.InRange(fromGrey.UniformFraction - fromColour.UniformFraction, -0.02, 0.02);
        Assert.Equal(fromColour.Flags, fromGrey.Flags);
    }

    [Fact]
    public async Task Without_the_libraries_every_picture_comes_from_the_fallback()
    {
        var gop = (await RecordAsync("h264", gops: 1))[0];
        var missing = FfmpegLibraries.Load([(1, 1, 1)], out var reason);
        using var decoder = new WarmGopDecoder(640, 360, new FfmpegGopDecoder(640, 360), missing);

        var picture = await decoder.DecodeLastAsync(Units(gop, 6));
        await decoder.PrefeedAsync(Units(gop, 7));
        var grey = await decoder.DecodeGreyAsync(gop[0].Image.Encoded!, 320);

        Assert.Null(missing);
        Assert.Contains("ffmpeg", reason, StringComparison.Ordinal);
        Assert.False(decoder.InProcess);
        Assert.Equal(0, decoder.PacketsFed);
        AssertStripe(gop[6], picture);
        Assert.Equal((320, 180), (grey.Width, grey.Height)); // the fallback's picture, made grey
        Assert.True(NewDecoder(640, 360).InProcess, "this machine has Debian's libavcodec: scripts/deps.sh installs it with ffmpeg");
    }

    [Fact]
    public async Task A_trigger_on_a_compressed_camera_gets_the_picture_of_its_at_frame_through_the_warm_session()
    {
        await using var camera = await RtspTestCamera.StartAsync(size: "640x360", gop: 30);
        using var decoder = NewDecoder(640, 360);
        var source = new GstreamerPacketSource(new GstreamerSourceSettings(camera.Url, 640, 360), decoder, NullLogger.Instance);
        await using var reader = new CameraReader("cam-1", source, TimeProvider.System, NullLogger.Instance, new CameraReaderSettings { MaxStreamLatency = TimeSpan.FromMinutes(5) });
        reader.Start();
        using var timeout = new CancellationTokenSource(Patience);
        await DatedAsync(reader, timeout.Token);
        var plan = new CapturePlan(1, 3, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
        var ledger = new FrameLedger();

        for (var trigger = 0; trigger < 3; trigger++)
        {
            await reader.WaitForUnitAsync(u => !u.Keyframe, timeout.Token); // edges mid-GOP, so the session has a GOP to continue
            var edge = DateTimeOffset.UtcNow;
            var result = await plan.ExecuteAsync(reader, new CaptureMoment(edge, TimeProvider.System.GetTimestamp(), null, ledger), TimeProvider.System, timeout.Token);

            Assert.Null(result.AtMissing);
            Assert.Equal(4, result.Shots.Count);
            Assert.All(result.Shots, s => AssertStripe(s.Frame, s.Frame.Image));
            Assert.True(result.Shots[1].Frame.ProducedAt >= edge);
            Assert.False(decoder.Warm); // the capture is over: its session is freed at once, not after the idle time
        }

        Assert.True(decoder.PacketsFed > 0, "the in-process decoder was not used");
    }

    [Fact]
    public async Task Four_cameras_decoding_at_once_never_hold_more_sessions_than_there_are_slots()
    {
        var gops = await RecordAsync("h264", gops: 2);
        var slots = new DecodeSlots(2);
        var decoders = Enumerable.Range(0, 4).Select(_ => new WarmGopDecoder(640, 360, new FfmpegGopDecoder(640, 360), FfmpegLibraries.Default, slots: slots)).ToList();
        try
        {
            // Each camera as a trigger does it: a health sample (a lone keyframe), a prefeed, its photo later in the GOP, a post photo in the next GOP.
            var pictures = await Task.WhenAll(decoders.Select(async (decoder, i) =>
            {
                var sample = await decoder.DecodeLastAsync(Units(gops[0], 0));
                await decoder.PrefeedAsync(Units(gops[0], 3 + i));
                var photo = await decoder.DecodeLastAsync(Units(gops[0], 6 + i));
                var next = await decoder.DecodeLastAsync(Units(gops[1], 2 + i));
                return (i, sample, photo, next);
            }));

            foreach (var (i, sample, photo, next) in pictures)
            {
                AssertStripe(gops[0][0], sample);
                AssertStripe(gops[0][6 + i], photo);
                AssertStripe(gops[1][2 + i], next);
            }

            Assert.InRange(slots.PeakSessions, 1, 2);
            foreach (var decoder in decoders)
            {
                await decoder.FreeAsync();
            }

            Assert.Equal(0, slots.Sessions);
        }
        finally
        {
            decoders.ForEach(d => d.Dispose());
        }
    }

    [Fact]
    public async Task A_photo_waiting_for_a_slot_makes_an_idle_holder_free_its_session_and_a_prefeed_never_waits()
    {
        var gop = (await RecordAsync("h264", gops: 1))[0];
        var slots = new DecodeSlots(1);
        using var first = new WarmGopDecoder(640, 360, new FfmpegGopDecoder(640, 360), FfmpegLibraries.Default, slots: slots);
        using var second = new WarmGopDecoder(640, 360, new FfmpegGopDecoder(640, 360), FfmpegLibraries.Default, slots: slots);
        using var timeout = new CancellationTokenSource(Patience);

        await first.DecodeLastAsync(Units(gop, 4), timeout.Token);
        Assert.True(first.Warm);
        AssertStripe(gop[5], await second.DecodeLastAsync(Units(gop, 5), timeout.Token)); // waits only for first to yield

        Assert.False(first.Warm);
        Assert.True(second.Warm);
        await first.PrefeedAsync(Units(gop, 7), timeout.Token); // the slot is second's: no head start, no wait
        Assert.Equal((5, false), (first.PacketsFed, first.Warm));
        Assert.Equal(1, slots.PeakSessions);
    }

    [Fact]
    public async Task A_lone_keyframe_on_the_camera_that_holds_the_only_slot_decodes_on_that_slot()
    {
        var gops = await RecordAsync("h264", gops: 2);
        var slots = new DecodeSlots(1);
        using var decoder = new WarmGopDecoder(640, 360, new FfmpegGopDecoder(640, 360), FfmpegLibraries.Default, slots: slots);
        using var timeout = new CancellationTokenSource(Patience);

        await decoder.DecodeLastAsync(Units(gops[0], 5), timeout.Token);
        AssertStripe(gops[1][0], await decoder.DecodeLastAsync(Units(gops[1], 0), timeout.Token));

        Assert.True(decoder.Warm); // kept, with the slot it holds
        await decoder.FreeAsync();
        Assert.Equal((false, 0), (decoder.Warm, slots.Sessions));
        AssertStripe(gops[0][7], await decoder.DecodeLastAsync(Units(gops[0], 7), timeout.Token)); // again from the keyframe
        Assert.Equal(6 + 1 + 8, decoder.PacketsFed);
    }

    private static WarmGopDecoder NewDecoder(int width, int height) =>
        new(width, height, new FfmpegGopDecoder(width, height), FfmpegLibraries.Default);

    private static EncodedUnit[] Units(IReadOnlyList<Frame> gop, int upTo) => [.. gop.Take(upTo + 1).Select(f => f.Image.Encoded!)];

    private static void AssertStripe(Frame frame, RawFrame picture)
    {
        Assert.Equal(ProducedBasis.CameraClock, frame.ProducedBasis);
        var stripe = DateTimeOffset.FromUnixTimeMilliseconds(FrameClockStripe.Read(picture.Pixels, picture.Width));
        Assert.InRange((frame.ProducedAt - stripe).TotalMilliseconds, -2, 5);
    }

    /// <summary><paramref name="gops"/> whole GOPs in a row from the test camera (GOP 15), every frame dated by its clock.</summary>
    private static async Task<List<List<Frame>>> RecordAsync(string codec, int gops, string size = "640x360")
    {
        await using var camera = await RtspTestCamera.StartAsync(size: size, codec: codec, gop: 15);
        await using var reader = StartReader(camera.Url);
        using var timeout = new CancellationTokenSource(Patience);
        await DatedAsync(reader, timeout.Token);
        var recorded = await GopsAsync(reader, f => f.ProducedBasis == ProducedBasis.CameraClock, gops, timeout.Token);
        Assert.All(recorded, g => Assert.True(g.Count >= 10, $"a GOP of {g.Count} units"));
        return recorded;
    }

    /// <summary>The first <paramref name="count"/> whole GOPs in a row held in the ring whose keyframes <paramref name="match"/> takes.</summary>
    private static async Task<List<List<Frame>>> GopsAsync(CameraReader reader, Func<Frame, bool> match, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = reader.NextUnitAsync(cancellationToken);
            var held = reader.Ring.Snapshot();
            var starts = Enumerable.Range(0, held.Count).Where(i => held[i].Image.Encoded!.Keyframe).ToList();
            var first = starts.FindIndex(i => match(held[i]));
            if (first >= 0 && starts.Count - first > count)
            {
                return [.. Enumerable.Range(first, count).Select(k => held.Skip(starts[k]).Take(starts[k + 1] - starts[k]).ToList())];
            }

            await next;
        }
    }

    private static async Task DatedAsync(CameraReader reader, CancellationToken cancellationToken)
    {
        await reader.WaitForUnitAsync(_ => true, cancellationToken);
        while (reader.Latest?.ProducedBasis != ProducedBasis.CameraClock)
        {
            await reader.NextUnitAsync(cancellationToken);
        }
    }

    private static CameraReader StartReader(string url)
    {
        var source = new GstreamerPacketSource(new GstreamerSourceSettings(url, 640, 360), new FfmpegGopDecoder(640, 360), NullLogger.Instance);
        var reader = new CameraReader("cam-1", source, TimeProvider.System, NullLogger.Instance, new CameraReaderSettings { MaxStreamLatency = TimeSpan.FromMinutes(5) });
        reader.Start();
        return reader;
    }
}
