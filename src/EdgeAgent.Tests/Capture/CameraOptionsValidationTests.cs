namespace EdgeAgent.Tests.Capture;

public sealed class CameraOptionsValidationTests
{
    [Theory]
    [InlineData("Transport", "quic", "Transport")]
    [InlineData("HardwareAcceleration", "vaapi; rm -rf /", "HardwareAcceleration")]
    [InlineData("HangTimeoutMs", "10", "HangTimeoutMs")]
    [InlineData("PreTriggerMegabytes", "4096", "PreTriggerMegabytes")]
    [InlineData("Backend", "vlc", "Cameras:0:Backend")]
    public void Bad_camera_setting_is_rejected_naming_the_key(string key, string value, string expectedKey)
    {
        var options = Valid();
        typeof(CameraOptions).GetProperty(key)!.SetValue(options.Cameras[0], Convert.ChangeType(value, typeof(CameraOptions).GetProperty(key)!.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        var result = new EdgeAgentOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expectedKey, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_quality_and_overlay_settings_are_validated()
    {
        var options = Valid();
        options.Cameras[0].Quality.UniformAbove = 2;
        options.Cameras[0].Overlay.Position = "middle";

        var result = new EdgeAgentOptionsValidator().Validate(null, options);

        Assert.Contains("UniformAbove", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Position", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void V4l2_camera_needs_a_device_path()
    {
        var options = Valid();
        options.Cameras[0].Kind = "v4l2";
        options.Cameras[0].Url = "video0";

        var result = new EdgeAgentCrossReferenceValidator().Validate(null, options);

        Assert.Contains("Cameras:0:Url", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("/dev/video0", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(60000)]
    public void Latency_out_of_range_is_rejected_naming_the_key(int latencyMs)
    {
        var options = Valid();
        options.Cameras[0].LatencyMs = latencyMs;

        var result = new EdgeAgentOptionsValidator().Validate(null, options);

        Assert.Contains("Cameras:0:LatencyMs", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ffmpeg", "http://10.0.0.5/cam.mjpg")]
    [InlineData("synthetic", null)]
    public void Gstreamer_backend_needs_an_rtsp_stream(string kind, string? url)
    {
        var options = Valid();
        options.Cameras[0].Kind = kind;
        options.Cameras[0].Url = url;
        options.Cameras[0].Backend = "gstreamer";

        var result = new EdgeAgentCrossReferenceValidator().Validate(null, options);

        Assert.Contains("Cameras:0:Backend", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Gstreamer_backend_on_an_rtsp_camera_is_valid()
    {
        var options = Valid();
        options.Cameras[0].Kind = "ffmpeg";
        options.Cameras[0].Url = "rtsp://10.0.0.5/stream1";
        options.Cameras[0].Backend = "gstreamer";
        options.Cameras[0].LatencyMs = 150;

        Assert.True(new EdgeAgentOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new EdgeAgentCrossReferenceValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("rtsp://10.0.0.5/stream1", "udp", "auto")]
    [InlineData("rtsp://10.0.0.5/stream1", "tcp", "raw")]
    [InlineData("http://10.0.0.5/cam.mjpg", "tcp", "auto")]
    public void Managed_backend_needs_an_rtsp_stream_over_tcp_into_the_compressed_ring(string url, string transport, string ring)
    {
        var options = Valid();
        options.Cameras[0].Kind = "ffmpeg";
        options.Cameras[0].Url = url;
        options.Cameras[0].Transport = transport;
        options.Cameras[0].Ring = ring;
        options.Cameras[0].Backend = "managed";

        var result = new EdgeAgentCrossReferenceValidator().Validate(null, options);

        Assert.Contains("Cameras:0:Backend", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Managed_backend_on_an_rtsp_camera_is_valid()
    {
        var options = Valid();
        options.Cameras[0].Kind = "ffmpeg";
        options.Cameras[0].Url = "rtsp://user:pw@10.0.0.5/stream1";
        options.Cameras[0].Backend = "managed";

        Assert.True(new EdgeAgentOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new EdgeAgentCrossReferenceValidator().Validate(null, options).Succeeded);
    }

    private static EdgeAgentOptions Valid() => new()
    {
        DeviceId = "dev-1",
        SiteId = "site-1",
        Broker = new BrokerOptions { Url = "mqtt://127.0.0.1:1883", AllowUnsignedReceipts = true },
        Points = [new PointOptions { Id = "p-1", Cameras = ["cam-1"] }],
        Cameras = [new CameraOptions { Id = "cam-1", Kind = "synthetic" }],
    };
}
