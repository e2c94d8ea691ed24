namespace EdgeAgent.Tests.Triggers;

public sealed class LockInputConfigTests
{
    private static EdgeAgentOptions Valid() => new()
    {
        DeviceId = "d",
        SiteId = "s",
        Broker = { Url = "mqtt://127.0.0.1:1883", AllowUnsignedReceipts = true },
        Points = [new PointOptions { Id = "conveyor-1" }],
        Inputs = [new InputOptions { Id = "lock-a", Point = "conveyor-1", Line = 17 }],
    };

    [Fact]
    public void Baseline_is_valid() => ConfigLoader.Validate(Valid());

    [Fact]
    public void Unknown_bias_is_rejected_naming_the_key_and_the_valid_values()
    {
        var options = Valid();
        options.Inputs[0].Bias = "pullup";

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Validate(options));

        var message = Assert.Single(error.Errors);
        Assert.StartsWith("Inputs:0:Bias: ", message, StringComparison.Ordinal);
        Assert.Contains("\"pull-up\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chatter_settings_out_of_range_are_rejected_naming_the_key()
    {
        var options = Valid();
        options.Gpio.ChatterMaxEdges = 1;

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Validate(options));

        Assert.Contains("ChatterMaxEdges", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Scanner_with_unknown_kind_and_point_is_rejected_naming_the_keys()
    {
        var options = Valid();
        options.Scanning.Scanners.Add(new ScannerOptions { Id = "s1", Point = "nowhere", Kind = "bluetooth", Path = "/dev/ttyUSB0" });

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Validate(options)).Errors;

        Assert.Contains(errors, e => e.StartsWith("Scanning:Scanners:0:Kind: ", StringComparison.Ordinal) && e.Contains("\"evdev\", \"serial\" or \"camera-qr\"", StringComparison.Ordinal));
        Assert.Contains("Scanning:Scanners:0:Point: unknown point 'nowhere'; valid: conveyor-1", errors);
    }
}
