using System.Collections.Concurrent;
using System.Device.Gpio;

namespace EdgeAgent.Triggers;

/// <summary>
/// A <see cref="GpioDriver"/> with no hardware behind it: <see cref="SetInput"/> changes a line's level and
/// raises the callbacks a real chip would, so the real <see cref="GpioController"/> and everything above it run.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly ConcurrentDictionary<int, PinValue> levels = new();
    private readonly ConcurrentDictionary<int, PinMode> modes = new();
    private readonly ConcurrentDictionary<int, (PinEventTypes Events, PinChangeEventHandler Handler)[]> callbacks = new();
    private readonly object sync = new();

    public SimulatedGpioDriver(int pinCount = 64)
    {
        PinCount = pinCount;
    }

    protected override int PinCount { get; }

    /// <summary>Sets the electrical level of a line and raises rising/falling callbacks on a change.</summary>
    public void SetInput(int pin, PinValue value)
    {
        PinEventTypes edge;
        (PinEventTypes Events, PinChangeEventHandler Handler)[] targets;
        lock (sync)
        {
            var old = levels.GetValueOrDefault(pin, PinValue.High);
            levels[pin] = value;
            if (old == value)
            {
                return;
            }

            edge = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            targets = callbacks.GetValueOrDefault(pin, []);
        }

        foreach (var (events, handler) in targets)
        {
            if ((events & edge) != 0)
            {
                handler(this, new PinValueChangedEventArgs(edge, pin));
            }
        }
    }

    /// <summary>The level a line reads when nothing has set it: high, as with a pull-up and an open switch.</summary>
    public PinValue GetInput(int pin) => levels.GetValueOrDefault(pin, PinValue.High);

    /// <summary>Opens a line; like a real chip, a line offset the chip does not have fails.</summary>
    protected override void OpenPin(int pinNumber)
    {
        if (pinNumber < 0 || pinNumber >= PinCount)
        {
            throw new IOException($"simulated chip has lines 0-{PinCount - 1}; line {pinNumber} does not exist");
        }

        modes.TryAdd(pinNumber, PinMode.Input);
    }

    protected override void ClosePin(int pinNumber)
    {
        modes.TryRemove(pinNumber, out _);
        callbacks.TryRemove(pinNumber, out _);
    }

    protected override void SetPinMode(int pinNumber, PinMode mode) => modes[pinNumber] = mode;

    protected override PinMode GetPinMode(int pinNumber) => modes.GetValueOrDefault(pinNumber, PinMode.Input);

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown or PinMode.Output;

    protected override PinValue Read(int pinNumber) => GetInput(pinNumber);

    protected override void Write(int pinNumber, PinValue value) => SetInput(pinNumber, value);

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the simulated driver only raises callbacks");

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (sync)
        {
            callbacks.AddOrUpdate(pinNumber, [(eventTypes, callback)], (_, list) => [.. list, (eventTypes, callback)]);
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (sync)
        {
            if (callbacks.TryGetValue(pinNumber, out var list))
            {
                callbacks[pinNumber] = list.Where(c => c.Handler != callback).ToArray();
            }
        }
    }

    public override GpioChipInfo GetChipInfo() => new(0, "sim", "simulated", PinCount);
}
