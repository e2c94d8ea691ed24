using EdgeAgent.Capture.Quality;

namespace EdgeAgent.Tests.Capture;

/// <summary>Frozen is judged by time (<c>FrozenAfterSeconds</c>, 3 s), on fake time: the picture or the stream's own timestamps stop advancing.</summary>
public sealed class FrozenByTimeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Stream_whose_timestamps_stop_advancing_is_frozen_after_the_window_even_if_its_pixels_flicker()
    {
        var time = new FakeTimeProvider();
        var source = new ScriptedFrameSource(128, 32) { CameraClock = true };
        await using var reader = new CameraReader("cam-1", source, time, NullLogger.Instance);
        reader.Start();
        await source.WaitOpenedAsync(1);
        var stuck = time.GetUtcNow();

        for (var i = 0; i < 40; i++)
        {
            await PushAsync(reader, source, stuck, fill: (byte)(i % 2 == 0 ? 90 : 91)); // a decoder re-sending the same camera frame, with noise
            if (i == 10)
            {
                Assert.False(Frozen(reader), "1 s of a stalled stream is not frozen yet");
            }

            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(Frozen(reader));
        Assert.Equal(39, reader.Latest!.UnchangedFrames);
    }

    [Fact]
    public async Task Live_stream_with_an_occasional_repeated_frame_is_never_frozen()
    {
        var time = new FakeTimeProvider();
        var source = new ScriptedFrameSource(128, 32) { CameraClock = true };
        await using var reader = new CameraReader("cam-1", source, time, NullLogger.Instance);
        reader.Start();
        await source.WaitOpenedAsync(1);

        for (var i = 0; i < 100; i++)
        {
            var produced = time.GetUtcNow();
            await PushAsync(reader, source, produced, fill: (byte)i);
            if (i % 5 == 0)
            {
                await PushAsync(reader, source, produced, fill: (byte)i); // every fifth frame duplicated, as constant-rate output does
            }

            Assert.False(Frozen(reader), $"frame {i}");
            time.Advance(TimeSpan.FromMilliseconds(66));
        }
    }

    private static bool Frozen(CameraReader reader) =>
        FrameQualityAnalyzer.Analyze(reader.Snapshot()!, new QualityThresholds()).Flags.Contains(FrameQuality.Frozen);

    private static async Task PushAsync(CameraReader reader, ScriptedFrameSource source, DateTimeOffset produced, byte fill)
    {
        var next = reader.NextFrameAsync();
        source.Push(produced, fill);
        await next.WaitAsync(Wait);
    }
}
