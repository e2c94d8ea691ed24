using System.Runtime.CompilerServices;
using EdgeAgent.Capture;

namespace EdgeAgent.Tests.Scanning;

/// <summary>A camera seam that delivers <see cref="Current"/> at 100 fps until told otherwise.</summary>
internal sealed class ScriptedFrameSource(RawFrame initial) : IFrameSource
{
    private volatile RawFrame current = initial;

    public RawFrame Current
    {
        get => current;
        set => current = value;
    }

    public string Describe() => "scripted test camera";

    public async IAsyncEnumerable<RawFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            yield return current;
        }
    }
}
