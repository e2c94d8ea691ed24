using System.Device.Gpio;
using System.Diagnostics;
using System.Threading.Channels;
using EdgeAgent.Configuration;
using EdgeAgent.Triggers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Bench;

/// <summary>
/// Lock-switch edge to trigger event at the capture stage: an edge set on the <see cref="SimulatedGpioDriver"/>
/// under a real <see cref="GpioController"/>, through the real <see cref="LockInputService"/> (debounce, chatter
/// count, group lockout, state persistence), until the <see cref="TriggerEvent"/> is read from the
/// <see cref="TriggerBus"/> as the procedure stage reads it. The floor is a bare controller callback on the
/// same driver handing the edge to a channel.
/// </summary>
public static class TriggerEdgeBenchmark
{
    private const int Line = 17;
    private const int Warmup = 10;

    /// <summary>Microseconds from <see cref="SimulatedGpioDriver.SetInput"/> to the event read from the bus.</summary>
    public static async Task<List<double>> LockInputAsync(BenchOptions options, int debounceMs, int edges)
    {
        var directory = Path.Combine(options.WorkDirectory, $"edge-{debounceMs}");
        Directory.CreateDirectory(directory);
        var agentOptions = Options.Create(new EdgeAgentOptions
        {
            StateDirectory = directory,
            // Edges come far faster than any real switch: keep chatter quarantine out of the measurement.
            Gpio = new GpioOptions { Driver = "simulated", ChatterMaxEdges = 100000, ChatterWindowMs = 10 },
            Inputs = [new InputOptions { Id = "lock-a", Point = "p1", Chip = 0, Line = Line, DebounceMs = debounceMs }],
        });
        using var drivers = new GpioDriverProvider(agentOptions);
        var bus = new TriggerBus();
        using var service = new LockInputService(agentOptions, drivers, bus, TimeProvider.System, NullLogger<LockInputService>.Instance);
        await service.StartAsync(CancellationToken.None);
        var gpio = drivers.GetSimulated(0);
        return await MeasureAsync(gpio, edges, async () => await bus.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>Microseconds from <see cref="SimulatedGpioDriver.SetInput"/> to a bare controller callback's edge read from a channel.</summary>
    public static async Task<List<double>> BareCallbackAsync(int edges)
    {
        using var gpio = new SimulatedGpioDriver();
        using var controller = new GpioController(gpio);
        var channel = Channel.CreateUnbounded<PinValueChangedEventArgs>(new UnboundedChannelOptions { SingleReader = true });
        controller.OpenPin(Line, PinMode.InputPullUp);
        controller.RegisterCallbackForPinValueChangedEvent(Line, PinEventTypes.Rising | PinEventTypes.Falling, (_, e) => channel.Writer.TryWrite(e));
        return await MeasureAsync(gpio, edges, async () => await channel.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static async Task<List<double>> MeasureAsync(SimulatedGpioDriver gpio, int edges, Func<Task> delivered)
    {
        var latency = new List<double>(edges);
        var level = gpio.GetInput(Line);
        for (var i = 0; i < edges + Warmup; i++)
        {
            level = level == PinValue.High ? PinValue.Low : PinValue.High;
            var start = Stopwatch.GetTimestamp();
            gpio.SetInput(Line, level);
            await delivered();
            if (i >= Warmup)
            {
                latency.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }

        return latency;
    }
}
