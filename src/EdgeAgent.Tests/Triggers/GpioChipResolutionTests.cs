using Microsoft.Extensions.Options;

namespace EdgeAgent.Tests.Triggers;

public sealed class GpioChipResolutionTests
{
    private static readonly GpioDriverProvider Simulated = new(Options.Create(new EdgeAgentOptions { Gpio = { Driver = "simulated" } }));

    [Fact]
    public void Chip_number_is_used_when_no_name_is_given() =>
        Assert.Equal(3, Simulated.ResolveChip(new InputOptions { Id = "a", Chip = 3 }));

    [Fact]
    public void Chip_name_gpiochipN_resolves_to_its_number() =>
        Assert.Equal(2, Simulated.ResolveChip(new InputOptions { Id = "a", Chip = 0, ChipName = "gpiochip2" }));

    [Fact]
    public void Unknown_chip_name_is_a_config_error_naming_the_key()
    {
        var error = Assert.Throws<ConfigException>(() => Simulated.ResolveChip(new InputOptions { Id = "lock-a", ChipName = "pinctrl-nope" }));
        Assert.Contains("Inputs:lock-a:ChipName", Assert.Single(error.Errors));
    }
}
