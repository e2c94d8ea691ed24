namespace EdgeAgent.Tests.Configuration;

/// <summary>The source-generated data-annotation checks, as a technician reads them: the full key, then what would be valid.</summary>
public sealed class OptionsValidatorTests
{
    private static EdgeAgentOptions Valid() => new()
    {
        DeviceId = "d",
        SiteId = "s",
        Broker = { Url = "mqtt://127.0.0.1:1883", AllowUnsignedReceipts = true },
        Points = [new PointOptions { Id = "conveyor-1", Cameras = ["cam-1"] }],
        Cameras = [new CameraOptions { Id = "cam-1", Kind = "synthetic" }],
    };

    private static List<string> Failures(EdgeAgentOptions options) =>
        new EdgeAgentOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Baseline_passes() => Assert.Empty(Failures(Valid()));

    [Fact]
    public void A_bad_value_in_a_list_item_names_its_index_and_the_valid_values()
    {
        var options = Valid();
        options.Cameras[0].Kind = "webcam";

        Assert.Equal(["Cameras:0:Kind: must be \"synthetic\", \"ffmpeg\" or \"v4l2\""], Failures(options));
    }

    [Fact]
    public void A_missing_value_says_it_is_required()
    {
        var options = Valid();
        options.DeviceId = null!;

        Assert.Equal(["DeviceId: is required."], Failures(options));
    }

    [Fact]
    public void An_out_of_range_number_in_a_section_names_the_section_and_the_range()
    {
        var options = Valid();
        options.Health.CheckIntervalSeconds = 0;

        Assert.Equal(["Health:CheckIntervalSeconds: must be between 1 and 3600."], Failures(options));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = Valid();
        options.Cameras[0].Kind = "webcam";
        options.Points[0].Id = "not an id";

        var failures = Failures(options);

        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Points:0:Id: must be 1-64 characters", StringComparison.Ordinal));
    }
}
