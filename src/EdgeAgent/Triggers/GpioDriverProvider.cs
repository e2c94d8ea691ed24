using System.Collections.Concurrent;
using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Triggers;

/// <summary>
/// Hands out one <see cref="GpioDriver"/> per chip: libgpiod on real boards (v2 where the system has it,
/// else v1), or a <see cref="SimulatedGpioDriver"/> for demos and tests.
/// </summary>
public sealed class GpioDriverProvider(IOptions<EdgeAgentOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<int, GpioDriver> drivers = new();

    public bool IsSimulated => options.Value.Gpio.Driver == "simulated";

    public GpioDriver Get(int chip) => drivers.GetOrAdd(chip, Create);

    /// <summary>The simulated driver of a chip, for driving inputs from the control socket or the demo.</summary>
    public SimulatedGpioDriver GetSimulated(int chip) =>
        Get(chip) as SimulatedGpioDriver ?? throw new InvalidOperationException("inputs can only be driven by software when Gpio:Driver is \"simulated\"");

    private GpioDriver Create(int chip)
    {
        if (IsSimulated)
        {
            return new SimulatedGpioDriver();
        }

        try
        {
            return new LibGpiodV2Driver(chip);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException)
        {
            return new LibGpiodDriver(chip);
        }
    }

    public void Dispose()
    {
        foreach (var driver in drivers.Values)
        {
            driver.Dispose();
        }
    }
}
