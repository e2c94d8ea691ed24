using System.Device.Gpio;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Tests.Triggers;

public sealed class GpioLineOpenerTests
{
    [Theory]
    [InlineData("auto", true, PinMode.InputPullUp)]
    [InlineData("auto", false, PinMode.Input)]
    [InlineData("none", true, PinMode.Input)]
    [InlineData("pull-up", false, PinMode.InputPullUp)]
    [InlineData("pull-down", true, PinMode.InputPullDown)]
    public void Bias_sets_the_line_mode(string bias, bool activeLow, PinMode expected)
    {
        using var drivers = new GpioDriverProvider(Options.Create(new EdgeAgentOptions { Gpio = { Driver = "simulated" } }));
        using var opener = new GpioLineOpener(drivers);

        var (chip, controller) = opener.Open(new InputOptions { Id = "a", Chip = 1, Line = 5, Bias = bias, ActiveLow = activeLow }, out var applied);

        Assert.True(applied);
        Assert.Equal(1, chip);
        Assert.Equal(expected, controller.GetPinMode(5));
    }

    [Fact]
    public void Inputs_on_one_chip_share_a_controller()
    {
        using var drivers = new GpioDriverProvider(Options.Create(new EdgeAgentOptions { Gpio = { Driver = "simulated" } }));
        using var opener = new GpioLineOpener(drivers);

        var first = opener.Open(new InputOptions { Id = "a", Line = 5 }, out _);
        var second = opener.Open(new InputOptions { Id = "b", Line = 6 }, out _);

        Assert.Same(first.Controller, second.Controller);
    }
}
