using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace EdgeAgent.Tests.Capture;

/// <summary>
/// A frame source the test drives: each open (one per reader attempt) gets a fresh channel the test pushes
/// frames into, or breaks, or leaves silent to simulate a hang. Frames can carry their production time.
/// With <see cref="Repeat"/> set it is a camera looking at a still scene instead: that frame at 100 fps.
/// </summary>
public sealed class ScriptedFrameSource(int width = 128, int height = 32) : IFrameSource
{
    private readonly Lock gate = new();
    private readonly List<(int Count, TaskCompletionSource Done)> openWaiters = [];
    private Channel<RawFrame>? current;
    private volatile RawFrame? repeat;

    /// <summary>When set before the source is opened, every open yields this frame every 10 ms (set it again to change the scene) instead of pushed frames.</summary>
    public RawFrame? Repeat
    {
        get => repeat;
        set => repeat = value;
    }

    public int Opens { get; private set; }

    public int Cancellations { get; private set; }

    /// <summary>When set, pushed frames also carry their production time as <see cref="RawFrame.CameraTime"/> (basis camera-clock).</summary>
    public bool CameraClock { get; init; }

    public string Describe() => "scripted";

    public async IAsyncEnumerable<RawFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<RawFrame>();
        lock (gate)
        {
            current = channel;
            Opens++;
            foreach (var waiter in openWaiters.Where(w => w.Count <= Opens))
            {
                waiter.Done.TrySetResult();
            }
        }

        if (repeat is not null)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (repeat is { } still)
                {
                    yield return still;
                }
            }
        }

        try
        {
            await foreach (var frame in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return frame;
            }
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                lock (gate)
                {
                    Cancellations++;
                }
            }
        }
    }

    /// <summary>Completes when the source has been opened at least <paramref name="count"/> times.</summary>
    public Task WaitOpenedAsync(int count)
    {
        lock (gate)
        {
            if (Opens >= count)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            openWaiters.Add((count, waiter));
            return waiter.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>Pushes a frame whose clock stripe holds <paramref name="producedAt"/>.</summary>
    public void Push(DateTimeOffset producedAt, byte fill = 90)
    {
        var pixels = new byte[width * height * 3];
        Array.Fill(pixels, fill);
        FrameClockStripe.Write(pixels, width, producedAt.ToUnixTimeMilliseconds());
        Push(new RawFrame(pixels, width, height) { CameraTime = CameraClock ? producedAt : null });
    }

    public void Push(RawFrame frame) => Current().Writer.TryWrite(frame);

    /// <summary>Ends the current stream with an error, as a dropped camera would.</summary>
    public void Break(Exception error) => Current().Writer.TryComplete(error);

    private Channel<RawFrame> Current()
    {
        lock (gate)
        {
            return current ?? throw new InvalidOperationException("the reader has not opened the source yet");
        }
    }
}
