using EdgeAgent.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Triggers;

/// <summary>
/// Watches lockout switches through a real <see cref="System.Device.Gpio.GpioController"/> and turns debounced level changes into
/// <see cref="TriggerKind.LockOn"/>/<see cref="TriggerKind.LockOff"/> events carrying the point's group
/// transition. At start it reads every line and reports it as state without firing a capture, except that a
/// change since the last persisted state is published with source <c>startup-reconciliation</c>.
/// </summary>
public sealed partial class LockInputService(
    IOptions<EdgeAgentOptions> options,
    GpioDriverProvider drivers,
    TriggerBus triggerBus,
    TimeProvider time,
    ILogger<LockInputService> log) : IHostedService, IDisposable, IInputWatchOwner
{
    public const string ReconciliationSource = "startup-reconciliation";

    /// <summary>The <see cref="InputHealth.Fault"/> of an input before the service has started.</summary>
    public const string NotStarted = "not started";

    private readonly TriggerBus bus = triggerBus;
    private readonly TimeProvider timeProvider = time;
    private readonly ILogger logger = log;
    private readonly object sync = new();
    private readonly GpioLineOpener lines = new(drivers);
    private readonly Dictionary<string, InputWatch> watches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LockGroup> groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> faults = new(StringComparer.Ordinal);
    private Dictionary<string, bool> carried = [];
    private LockStateStore? store;
    private LockStateWriter? writer;

    object IInputWatchOwner.Sync => sync;

    /// <summary>Current debounced lock state per input id.</summary>
    public IReadOnlyDictionary<string, bool> Locked
    {
        get
        {
            lock (sync)
            {
                return watches.ToDictionary(w => w.Key, w => w.Value.Locked, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Level, chatter and quarantine of every input, for health.</summary>
    public IReadOnlyList<InputHealth> Health
    {
        get
        {
            lock (sync)
            {
                return [.. options.Value.Inputs.Select(Describe)];
            }
        }
    }

    private InputHealth Describe(InputOptions input) => watches.TryGetValue(input.Id, out var w)
        ? new InputHealth(input.Id, input.Point, w.Chip, input.Line, w.TryReadLevel(), w.Locked, w.EdgesInWindow(), w.TotalEdges, w.Quarantined, w.QuarantinedSince)
        : new InputHealth(input.Id, input.Point, input.Chip, input.Line, null, false, 0, 0, false, null) { Fault = faults.GetValueOrDefault(input.Id, NotStarted) };

    /// <summary>The locks on at a point now (empty: the point is not locked out).</summary>
    public IReadOnlyList<string> LocksHeld(string pointId)
    {
        lock (sync)
        {
            return groups.TryGetValue(pointId, out var group) ? group.Held : [];
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        store = new LockStateStore(options.Value.StateDirectory, timeProvider, logger);
        writer = new LockStateWriter(store);
        var persisted = store.Load();
        lock (sync)
        {
            foreach (var input in options.Value.Inputs)
            {
                InputWatch? watch = null;
                try
                {
                    watch = Open(input);
                    watch.Start();
                    watches[input.Id] = watch;
                    Log.InitialState(logger, input.Id, input.Point, LockWords.State(watch.Locked), watch.Chip, input.Line);
                }
                catch (Exception ex) when (ex is not ConfigException)
                {
                    // The agent keeps running (cameras, scanners, manual triggers); health shows the input as faulty.
                    watch?.Dispose();
                    faults[input.Id] = ex.Message;
                    Log.OpenFailed(logger, ex, input.Id, input.Point);
                }
            }

            carried = persisted?.Where(p => faults.ContainsKey(p.Key)).ToDictionary(StringComparer.Ordinal) ?? [];

            // Groups start from the state at shutdown, so reconciliation events carry the right group transitions.
            foreach (var watch in watches.Values)
            {
                var was = persisted is not null && persisted.TryGetValue(watch.Input.Id, out var known) ? known : watch.Locked;
                Group(watch.Input.Point).Apply(watch.Input.Id, was);
            }

            // Locks found on are published before locks found off: the order of changes while down is unknown, and
            // this way the point is only reported unlocked (last lock off) when it really is unlocked now.
            foreach (var watch in watches.Values.OrderBy(w => w.Locked ? 0 : 1))
            {
                if (persisted is not null && persisted.TryGetValue(watch.Input.Id, out var was) && was != watch.Locked)
                {
                    var note = $"found {LockWords.State(watch.Locked)} at start-up; was {LockWords.State(was)} at shutdown";
                    Publish(watch, ReconciliationSource, timeProvider.GetUtcNow(), timeProvider.GetTimestamp(), note);
                }
            }

            writer.Request(Snapshot(), timeProvider.GetUtcNow());
            writer.Flush(); // start-up is not done until the truth is on disk
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private InputWatch Open(InputOptions input)
    {
        var (chip, controller) = lines.Open(input, out var biasApplied);
        if (!biasApplied)
        {
            Log.BiasUnsupported(logger, input.Id, input.Bias);
        }

        return new InputWatch(this, input, chip, controller, options.Value.Gpio, timeProvider);
    }

    private LockGroup Group(string pointId)
    {
        if (!groups.TryGetValue(pointId, out var group))
        {
            group = new LockGroup();
            groups[pointId] = group;
        }

        return group;
    }

    private void Publish(InputWatch watch, string source, DateTimeOffset edgeTime, long edgeTimestamp, string? note)
    {
        var group = Group(watch.Input.Point);
        var transition = group.Apply(watch.Input.Id, watch.Locked);
        var kind = watch.Locked ? TriggerKind.LockOn : TriggerKind.LockOff;
        Log.Edge(logger, watch.Input.Id, watch.Input.Point, kind, transition, group.Held.Count, source);
        bus.Publish(new TriggerEvent(watch.Input.Point, kind, source, watch.Input.Id, edgeTime, edgeTimestamp)
        {
            Group = transition,
            LocksHeld = group.Held,
            Holder = watch.Input.Holder,
            Note = note,
        });
        writer?.Request(Snapshot(), timeProvider.GetUtcNow()); // read on this thread, not the writer's
    }

    /// <summary>Every open input's state, plus the last known state of inputs that could not be opened.</summary>
    private Dictionary<string, bool> Snapshot()
    {
        var state = new Dictionary<string, bool>(carried, StringComparer.Ordinal);
        foreach (var (id, watch) in watches)
        {
            state[id] = watch.Locked;
        }

        return state;
    }

    /// <summary>Waits until the latest state is durably written.</summary>
    internal void FlushState() => writer?.Flush();

    void IInputWatchOwner.OnChanged(InputWatch watch, DateTimeOffset edgeTime, long edgeTimestamp, string? note) =>
        Publish(watch, "gpio", edgeTime, edgeTimestamp, note);

    void IInputWatchOwner.OnQuarantined(InputWatch watch, int edges) =>
        Log.Quarantined(logger, watch.Input.Id, edges, options.Value.Gpio.ChatterWindowMs, options.Value.Gpio.ChatterQuietMs);

    void IInputWatchOwner.OnReleased(InputWatch watch) => Log.Released(logger, watch.Input.Id, LockWords.State(watch.Locked));

    void IInputWatchOwner.OnFault(InputWatch watch, Exception exception) => Log.ReadFailed(logger, exception, watch.Input.Id);

    public void Dispose()
    {
        FlushState();
        foreach (var watch in watches.Values)
        {
            watch.Dispose();
        }

        lines.Dispose();
    }
}
