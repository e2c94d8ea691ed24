using System.Device.Gpio;
using EdgeAgent.Configuration;

namespace EdgeAgent.Triggers;

/// <summary>
/// One lock input: debounce (an edge restarts a timer; when it fires the level is read and compared with the
/// last reported state, so a bouncing contact gives exactly one event per real change) and chatter quarantine
/// (more than <see cref="GpioOptions.ChatterMaxEdges"/> edges in the window: no events until the line has been
/// quiet for <see cref="GpioOptions.ChatterQuietMs"/>). All state is guarded by the owner's lock.
/// </summary>
internal sealed class InputWatch : IDisposable
{
    private readonly IInputWatchOwner owner;
    private readonly GpioController controller;
    private readonly GpioOptions gpio;
    private readonly TimeProvider time;
    private readonly EdgeWindow edges;
    private readonly ITimer debounce;
    private readonly ITimer quiet;
    private (DateTimeOffset Time, long Timestamp)? firstEdge;
    private bool disposed;

    public InputWatch(IInputWatchOwner owner, InputOptions input, int chip, GpioController controller, GpioOptions gpio, TimeProvider time)
    {
        this.owner = owner;
        Input = input;
        Chip = chip;
        this.controller = controller;
        this.gpio = gpio;
        this.time = time;
        edges = new EdgeWindow(time, TimeSpan.FromMilliseconds(gpio.ChatterWindowMs));
        debounce = time.CreateTimer(_ => OnTimer(Settle), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        quiet = time.CreateTimer(_ => OnTimer(Release), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public InputOptions Input { get; }

    public int Chip { get; }

    /// <summary>The last reported (debounced) state.</summary>
    public bool Locked { get; private set; }

    public bool Quarantined { get; private set; }

    public DateTimeOffset? QuarantinedSince { get; private set; }

    public long TotalEdges => edges.Total;

    /// <summary>Subscribes to edges first, then reads the level, so no change between the two is lost. Call under the owner's lock.</summary>
    public void Start()
    {
        controller.RegisterCallbackForPinValueChangedEvent(Input.Line, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);
        Locked = ReadLocked();
    }

    public int EdgesInWindow() => edges.Count();

    public bool? TryReadLevel()
    {
        try
        {
            return controller.Read(Input.Line) == PinValue.High;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            return null;
        }
    }

    private void OnEdge(object sender, PinValueChangedEventArgs args)
    {
        var at = (time.GetUtcNow(), time.GetTimestamp()); // before waiting for the lock: the edge's own time
        OnTimer(() => OnEdgeLocked(at));
    }

    private void OnEdgeLocked((DateTimeOffset Time, long Timestamp) at)
    {
        var inWindow = edges.Add();
        if (Quarantined)
        {
            quiet.Change(TimeSpan.FromMilliseconds(gpio.ChatterQuietMs), Timeout.InfiniteTimeSpan); // still chattering
            return;
        }

        firstEdge ??= at;
        if (inWindow > gpio.ChatterMaxEdges)
        {
            Quarantined = true;
            QuarantinedSince = time.GetUtcNow();
            firstEdge = null;
            debounce.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            quiet.Change(TimeSpan.FromMilliseconds(gpio.ChatterQuietMs), Timeout.InfiniteTimeSpan);
            owner.OnQuarantined(this, inWindow);
        }
        else if (Input.DebounceMs == 0)
        {
            Settle();
        }
        else
        {
            debounce.Change(TimeSpan.FromMilliseconds(Input.DebounceMs), Timeout.InfiniteTimeSpan);
        }
    }

    private void Settle()
    {
        var edge = firstEdge;
        firstEdge = null;
        var locked = ReadLocked();
        if (edge is null || locked == Locked)
        {
            return; // bounced back to where it was: no real change
        }

        Locked = locked;
        owner.OnChanged(this, edge.Value.Time, edge.Value.Timestamp, note: null);
    }

    private void Release()
    {
        if (!Quarantined)
        {
            return;
        }

        Quarantined = false;
        QuarantinedSince = null;
        edges.Clear();
        var was = Locked;
        Locked = ReadLocked();
        owner.OnReleased(this);
        if (Locked != was)
        {
            owner.OnChanged(this, time.GetUtcNow(), time.GetTimestamp(), $"settled {LockWords.State(Locked)} after chatter quarantine; was {LockWords.State(was)} before");
        }
    }

    /// <summary>Runs a callback under the owner's lock; a failing read is reported, never thrown onto a timer or driver thread.</summary>
    private void OnTimer(Action action)
    {
        lock (owner.Sync)
        {
            if (disposed)
            {
                return;
            }

            try
            {
                action();
            }
            catch (Exception ex)
            {
                owner.OnFault(this, ex);
            }
        }
    }

    private bool ReadLocked() => (controller.Read(Input.Line) == PinValue.High) ^ Input.ActiveLow;

    public void Dispose()
    {
        lock (owner.Sync)
        {
            disposed = true;
        }

        debounce.Dispose();
        quiet.Dispose();
    }
}
