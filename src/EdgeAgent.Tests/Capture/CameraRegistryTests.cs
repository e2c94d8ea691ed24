using EdgeAgent.Capture;
using EdgeAgent.Configuration;
using EdgeAgent.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Tests.Capture;

public sealed class CameraRegistryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Cameras_of_a_point_photograph_the_same_moments_each_photo_interval_apart()
    {
        using var temp = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));
        var sources = new Dictionary<string, ScriptedFrameSource> { ["cam-a"] = new(), ["cam-b"] = new() };
        var options = Options.Create(new EdgeAgentOptions
        {
            StateDirectory = temp.Path,
            Cameras = [.. sources.Keys.Select(id => new CameraOptions { Id = id, PhotoIntervalMs = 500 })],
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
        var captures = registry.StartCaptures(["cam-a", "cam-b"], time.GetTimestamp(), photos: 3);
        for (var round = 0; round < 3; round++)
        {
            time.Advance(TimeSpan.FromMilliseconds(round == 0 ? 20 : 500));
            await PushAllAsync(registry, sources, time);
        }

        foreach (var (camera, capture) in captures)
        {
            var shots = await capture.WaitAsync(Wait);
            var produced = shots.Select(s => FrameClockStripe.Read(s.Frame.Image.Pixels, s.Frame.Width) - triggerAt.ToUnixTimeMilliseconds());
            Assert.Equal([20L, 520L, 1020L], produced);
            Assert.All(shots, s => Assert.NotNull(s.Quality));
        }
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
