using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace EdgeAgent.Tests.Health;

/// <summary>
/// The camera seam under test control: yields exactly the frames the test pushes. When the test stops
/// pushing, the read blocks forever, which is what a hung capture (USB camera unplugged mid-read) looks like.
/// </summary>
public sealed class ManualFrameSource(int width, int height) : IFrameSource
{
    private readonly Channel<RawFrame> frames = Channel.CreateUnbounded<RawFrame>();
    private readonly SyntheticFrameSource painter = new(width, height, 10, TimeProvider.System, "manual");
    private long count;

    public string Describe() => "manual";

    /// <summary>Pushes a textured scene (sharp, like a focused camera).</summary>
    public void Push() => frames.Writer.TryWrite(painter.Draw(DateTimeOffset.UtcNow, Interlocked.Increment(ref count)));

    /// <summary>Pushes the same scene drawn as at <paramref name="at"/> (its clock text and stripe show that time).</summary>
    public void Push(DateTimeOffset at) => frames.Writer.TryWrite(painter.Draw(at, Interlocked.Increment(ref count)));

    public void Push(RawFrame frame) => frames.Writer.TryWrite(frame);

    public async IAsyncEnumerable<RawFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var frame in frames.Reader.ReadAllAsync(cancellationToken))
        {
            yield return frame;
        }
    }
}

/// <summary>Hands every configured camera a <see cref="ManualFrameSource"/>.</summary>
public sealed class ManualFrameSourceFactory : IFrameSourceFactory
{
    private readonly ConcurrentDictionary<string, ManualFrameSource> sources = new(StringComparer.Ordinal);

    public ManualFrameSource this[string cameraId] => sources[cameraId];

    public IFrameSource Create(CameraOptions camera) => sources.GetOrAdd(camera.Id, _ => new ManualFrameSource(camera.Width, camera.Height));
}
