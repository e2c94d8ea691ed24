using EdgeAgent.Scanning;
using EdgeAgent.Tests.Capture;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Tests.Scanning;

public sealed class CameraQrTests
{
    [Fact]
    public void Decoder_reads_a_generated_qr_code_in_a_frame()
    {
        using var decoder = new QrFrameDecoder();

        Assert.Equal("BADGE:QR-5"u8.ToArray(), decoder.Decode(QrImages.Frame("BADGE:QR-5")));
        Assert.Null(decoder.Decode(QrImages.Blank()));
    }

    [Fact]
    public async Task Qr_code_held_up_to_the_camera_is_one_scan_until_another_code_appears()
    {
        var badge = QrImages.Frame("BADGE:QR-5");
        var source = new ScriptedFrameSource { Repeat = QrImages.Blank() };
        var options = new EdgeAgentOptions { DeviceId = "d", SiteId = "s", Points = [new PointOptions { Id = "conveyor-1", Cameras = ["cam-1"] }] };
        options.Cameras.Add(new CameraOptions { Id = "cam-1", Kind = "synthetic", Width = 320, Height = 240 });
        options.Scanning.Scanners.Add(new ScannerOptions { Id = "qr-1", Point = "conveyor-1", Kind = "camera-qr", Camera = "cam-1", ScanIntervalMs = 20, RepeatHoldMs = 60_000 });
        var wrapped = Options.Create(options);
        var bus = new TriggerBus();
        await using var cameras = new CameraRegistry(wrapped, new SingleSource(source), TimeProvider.System, NullLoggerFactory.Instance);
        using var service = new ScannerService(wrapped, new ScanRouter(wrapped, bus, TimeProvider.System, NullLogger<ScanRouter>.Instance), TimeProvider.System, NullLogger<ScannerService>.Instance, cameras);
        await cameras.StartAsync(CancellationToken.None);
        await service.StartAsync(CancellationToken.None);

        source.Repeat = badge;
        var first = await bus.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((TriggerKind.Scan, "qr-1", "QR-5"), (first.Kind, first.Input, first.Operator));

        var camera = cameras.Get("cam-1");
        for (var i = 0; i < 10; i++)
        {
            await camera.NextFrameAsync().WaitAsync(TimeSpan.FromSeconds(10)); // the code stays in view for a while
        }

        source.Repeat = QrImages.Frame("STEP:zero-energy-verified");
        var next = await bus.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("zero-energy-verified", next.StepId); // not the badge again
        await service.StopAsync(CancellationToken.None);
    }

    private sealed class SingleSource(IFrameSource source) : IFrameSourceFactory
    {
        public IFrameSource Create(CameraOptions camera) => source;
    }
}
