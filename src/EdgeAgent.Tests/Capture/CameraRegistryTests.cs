using Microsoft.Extensions.Options;

namespace EdgeAgent.Tests.Capture;

public sealed class CameraRegistryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Cameras_of_a_point_photograph_the_same_moments_each_photo_interval_apart()
    {
        using var temp = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));
        var sources = new Dictionary<string, ScriptedFrameSource> { ["cam-a"] = new() { CameraClock = true }, ["cam-b"] = new() { CameraClock = true } };
        var options = Options.Create(new EdgeAgentOptions
        {
            StateDirectory = temp.Path,
            // A ring holding every frame: a plan woken late on a loaded machine still finds the first frame after each due time.
            Cameras = [.. sources.Keys.Select(id => new CameraOptions { Id = id, PhotoIntervalMs = 500, ProducedUncertainty = new() { CameraClockMs = 0 }, PreTriggerMegabytes = 1, PreTriggerSpacingMs = 1, PreTriggerMs = 5000 })],
        });
        await using var registry = new CameraRegistry(options, new Sources(sources), time, NullLoggerFactory.Instance);
        await registry.StartAsync(default);
        foreach (var source in sources.Values)
        {
            await source.WaitOpenedAsync(1);
        }

        await PushAllAsync(registry, sources, time);
        time.Advance(TimeSpan.FromMilliseconds(10));
        var triggerAt = time.GetUtcNow();
        var captures = registry.StartCaptures(["cam-a", "cam-b"], new CaptureMoment(triggerAt, time.GetTimestamp(), null, new FrameLedger()), new FrameRequest(null, 3));
        // Frames every 500 ms until both plans are done. The plans arm their fake-time delays asynchronously, so on a
        // loaded machine a delay can be armed after an advance; more rounds then follow instead of a hang.
        for (var round = 0; round < 10 && !captures.Values.All(c => c.IsCompleted); round++)
        {
            time.Advance(TimeSpan.FromMilliseconds(round == 0 ? 20 : 500));
            await PushAllAsync(registry, sources, time);
        }

        var moments = new List<long[]>();
        foreach (var (camera, capture) in captures)
        {
            var shots = (await capture.WaitAsync(Wait)).Shots;
            var produced = shots.Select(s => FrameClockStripe.Read(s.Frame.Image.Pixels, s.Frame.Width) - triggerAt.ToUnixTimeMilliseconds()).ToArray();
            Assert.Equal(3, produced.Length);
            Assert.Equal(20L, produced[0]);
            Assert.All(produced.Zip(produced.Skip(1)), pair => Assert.True(pair.Second - pair.First >= 500, $"{camera}: photos {string.Join(", ", produced)} ms after the trigger"));
            Assert.All(shots, s => Assert.NotNull(s.Quality));
            Assert.Equal([FrameRole.At, FrameRole.Post, FrameRole.Post], shots.Select(s => s.Role));
            moments.Add(produced);
        }

        Assert.Equal(moments[0], moments[1]); // both cameras photographed the same moments
    }

    private static async Task PushAllAsync(CameraRegistry registry, Dictionary<string, ScriptedFrameSource> sources, FakeTimeProvider time)
    {
        foreach (var (id, source) in sources)
        {
            var next = registry.Get(id).NextFrameAsync();
            source.Push(time.GetUtcNow());
            await next.WaitAsync(Wait);
        }
    }

    private sealed class Sources(Dictionary<string, ScriptedFrameSource> sources) : IFrameSourceFactory
    {
        public IFrameSource Create(CameraOptions camera) => sources[camera.Id];
    }
}
