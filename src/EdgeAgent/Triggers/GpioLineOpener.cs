using System.Device.Gpio;
using EdgeAgent.Configuration;

namespace EdgeAgent.Triggers;

/// <summary>Opens input lines: one real <see cref="GpioController"/> per chip, with the configured bias where the driver supports it.</summary>
internal sealed class GpioLineOpener(GpioDriverProvider drivers) : IDisposable
{
    private readonly Dictionary<int, GpioController> controllers = [];

    /// <summary>Opens the input's line; <paramref name="biasApplied"/> is false when the driver lacks the wanted bias (opened without).</summary>
    public (int Chip, GpioController Controller) Open(InputOptions input, out bool biasApplied)
    {
        var chip = drivers.ResolveChip(input);
        if (!controllers.TryGetValue(chip, out var controller))
        {
            controller = new GpioController(drivers.Get(chip));
            controllers[chip] = controller;
        }

        var wanted = input.Bias switch
        {
            "pull-up" => PinMode.InputPullUp,
            "pull-down" => PinMode.InputPullDown,
            "none" => PinMode.Input,
            _ => input.ActiveLow ? PinMode.InputPullUp : PinMode.Input,
        };
        var mode = controller.IsPinModeSupported(input.Line, wanted) ? wanted : PinMode.Input;
        biasApplied = mode == wanted;
        controller.OpenPin(input.Line, mode);
        return (chip, controller);
    }

    public void Dispose()
    {
        foreach (var controller in controllers.Values)
        {
            controller.Dispose();
        }

        controllers.Clear();
    }
}
