using System.Device.Gpio;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Triggers;

/// <summary>
/// Watches lockout switches through a real <see cref="GpioController"/> and turns debounced level changes
/// into <see cref="TriggerKind.LockOn"/>/<see cref="TriggerKind.LockOff"/> events. Reads every line at start
/// and reports it as state without firing a capture.
/// </summary>
public sealed partial class LockInputService(
    IOptions<EdgeAgentOptions> options,
    GpioDriverProvider drivers,
    TriggerBus triggerBus,
    TimeProvider time,
    ILogger<LockInputService> log) : IHostedService, IDisposable
{
    private readonly TriggerBus bus = triggerBus;
    private readonly TimeProvider timeProvider = time;
    private readonly ILogger logger = log;
    private readonly Dictionary<int, GpioController> controllers = [];
    private readonly Dictionary<string, InputWatch> watches = new(StringComparer.Ordinal);

    /// <summary>Current debounced lock state per input id.</summary>
    public IReadOnlyDictionary<string, bool> Locked => watches.ToDictionary(w => w.Key, w => w.Value.Locked, StringComparer.Ordinal);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var input in options.Value.Inputs)
        {
            if (!controllers.TryGetValue(input.Chip, out var controller))
            {
                controller = new GpioController(drivers.Get(input.Chip));
                controllers[input.Chip] = controller;
            }

            var mode = controller.IsPinModeSupported(input.Line, PinMode.InputPullUp) && input.ActiveLow ? PinMode.InputPullUp : PinMode.Input;
            controller.OpenPin(input.Line, mode);
            var watch = new InputWatch(this, input, controller);
            watches[input.Id] = watch;
            controller.RegisterCallbackForPinValueChangedEvent(input.Line, PinEventTypes.Rising | PinEventTypes.Falling, watch.OnEdge);
            Log.InitialState(logger, input.Id, input.Point, watch.Locked ? "locked" : "unlocked");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var watch in watches.Values)
        {
            watch.Dispose();
        }

        foreach (var controller in controllers.Values)
        {
            controller.Dispose();
        }
    }

    /// <summary>One input's debounce state. An edge (re)starts the timer; when it fires the level is read and compared.</summary>
    private sealed class InputWatch : IDisposable
    {
        private readonly LockInputService owner;
        private readonly InputOptions input;
        private readonly GpioController controller;
        private readonly ITimer timer;
        private readonly object sync = new();
        private (DateTimeOffset Time, long Timestamp)? firstEdge;

        public InputWatch(LockInputService owner, InputOptions input, GpioController controller)
        {
            this.owner = owner;
            this.input = input;
            this.controller = controller;
            Locked = ReadLocked();
            timer = owner.timeProvider.CreateTimer(_ => Settle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public bool Locked { get; private set; }

        public void OnEdge(object sender, PinValueChangedEventArgs args)
        {
            lock (sync)
            {
                firstEdge ??= (owner.timeProvider.GetUtcNow(), owner.timeProvider.GetTimestamp());
                if (input.DebounceMs == 0)
                {
                    SettleLocked();
                    return;
                }

                timer.Change(TimeSpan.FromMilliseconds(input.DebounceMs), Timeout.InfiniteTimeSpan);
            }
        }

        private void Settle()
        {
            lock (sync)
            {
                SettleLocked();
            }
        }

        private void SettleLocked()
        {
            var edge = firstEdge;
            firstEdge = null;
            var locked = ReadLocked();
            if (edge is null || locked == Locked)
            {
                return; // bounced back to where it was: no real change
            }

            Locked = locked;
            var kind = locked ? TriggerKind.LockOn : TriggerKind.LockOff;
            Log.Edge(owner.logger, input.Id, input.Point, kind);
            owner.bus.Publish(new TriggerEvent(input.Point, kind, "gpio", input.Id, edge.Value.Time, edge.Value.Timestamp));
        }

        private bool ReadLocked()
        {
            var high = controller.Read(input.Line) == PinValue.High;
            return input.ActiveLow ? !high : high;
        }

        public void Dispose() => timer.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Input {InputId} at point {PointId} reads {State} at start-up (no capture)")]
        public static partial void InitialState(ILogger logger, string inputId, string pointId, string state);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Input {InputId} at point {PointId}: {Kind}")]
        public static partial void Edge(ILogger logger, string inputId, string pointId, TriggerKind kind);
    }
}
