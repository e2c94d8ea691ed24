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

    /// <summary>
    /// The chip number of an input: <see cref="InputOptions.ChipName"/> matched against the name
    /// (<c>gpiochipN</c>) or label of the chips libgpiod lists, else <see cref="InputOptions.Chip"/>.
    /// </summary>
    public int ResolveChip(InputOptions input)
    {
        if (string.IsNullOrWhiteSpace(input.ChipName))
        {
            return input.Chip;
        }

        var chips = IsSimulated ? [] : ListChips();
        var match = chips.FirstOrDefault(c => c.Name == input.ChipName || c.Label == input.ChipName);
        if (match is not null)
        {
            return match.Id;
        }

        if (input.ChipName.StartsWith("gpiochip", StringComparison.Ordinal) &&
            int.TryParse(input.ChipName.AsSpan("gpiochip".Length), System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        throw new ConfigException([$"Inputs:{input.Id}:ChipName: no GPIO chip named or labelled '{input.ChipName}'; available: " +
            (chips.Count == 0 ? "(none)" : string.Join(", ", chips.Select(c => $"{c.Name} ({c.Label})")))]);
    }

    private static IList<GpioChipInfo> ListChips()
    {
        try
        {
            return LibGpiodV2Driver.GetAvailableChips();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException)
        {
            try
            {
                return LibGpiodDriver.GetAvailableChips();
            }
            catch (Exception inner) when (inner is DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException)
            {
                return [];
            }
        }
    }

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
