using System.Device.Gpio;

namespace EdgeAgent.Tests.Triggers;

/// <summary>
/// A real <see cref="LockInputService"/> on the simulated GPIO driver with a <see cref="FakeTimeProvider"/>.
/// <see cref="Restart"/> stops the service and starts a new one on the levels the lines have then, as a reboot would.
/// </summary>
internal sealed class LockInputHarness : IDisposable
{
    private readonly TempDirectory state = new();
    private GpioDriverProvider drivers;

    public LockInputHarness(params InputOptions[] inputs)
    {
        Options = new EdgeAgentOptions { DeviceId = "d", SiteId = "s", StateDirectory = state.Path, Gpio = { Driver = "simulated" } };
        Options.Points.Add(new PointOptions { Id = "conveyor-1" });
        Options.Points.Add(new PointOptions { Id = "conveyor-2" });
        Options.Inputs.AddRange(inputs);
        drivers = new GpioDriverProvider(Microsoft.Extensions.Options.Options.Create(Options));
        Service = Create();
    }

    public EdgeAgentOptions Options { get; }

    /// <summary>
    /// The clock. Every timer fires inside <see cref="Advance"/> on the test thread only as long as nothing reads the clock
    /// from another thread; <see cref="ThreadRecordingTimeProvider.ForeignReads"/> shows whether something did.
    /// </summary>
    public ThreadRecordingTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    public TriggerBus Bus { get; private set; } = new();

    public LockInputService Service { get; private set; }

    public string StateFile => Path.Combine(state.Path, "lock-state.json");

    public static InputOptions Input(string id, int line, string point = "conveyor-1", int debounceMs = 50) =>
        new() { Id = id, Point = point, Chip = 0, Line = line, ActiveLow = true, DebounceMs = debounceMs };

    public void Start() => Service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Puts a lock on or off electrically (the line goes low for "on": active-low with a pull-up).</summary>
    public void Set(string inputId, bool locked)
    {
        var input = Options.Inputs.Single(i => i.Id == inputId);
        drivers.GetSimulated(input.Chip).SetInput(input.Line, locked ^ input.ActiveLow ? PinValue.High : PinValue.Low);
    }

    public void Advance(int milliseconds) => Time.Advance(TimeSpan.FromMilliseconds(milliseconds));

    public List<TriggerEvent> Drain()
    {
        var events = new List<TriggerEvent>();
        while (Bus.Reader.TryRead(out var trigger))
        {
            events.Add(trigger);
        }

        return events;
    }

    /// <summary>Stops the agent, lets <paramref name="whileDown"/> change lines, and starts a fresh agent.</summary>
    public void Restart(Action? whileDown = null)
    {
        var levels = Options.Inputs.ToDictionary(i => i.Id, i => drivers.GetSimulated(i.Chip).GetInput(i.Line));
        Service.Dispose(); // disposes the controllers and with them the drivers
        drivers = new GpioDriverProvider(Microsoft.Extensions.Options.Options.Create(Options));
        foreach (var input in Options.Inputs)
        {
            drivers.GetSimulated(input.Chip).SetInput(input.Line, levels[input.Id]);
        }

        whileDown?.Invoke();
        Bus = new TriggerBus();
        Service = Create();
        Start();
    }

    private LockInputService Create() =>
        new(Microsoft.Extensions.Options.Options.Create(Options), drivers, Bus, Time, NullLogger<LockInputService>.Instance);

    public void Dispose()
    {
        Service.Dispose();
        drivers.Dispose();
        state.Dispose();
    }
}
