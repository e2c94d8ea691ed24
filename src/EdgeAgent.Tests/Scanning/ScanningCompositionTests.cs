using EdgeAgent.Scanning;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Tests.Scanning;

public sealed class ScanningCompositionTests
{
    [Fact]
    public async Task AddEdgeAgent_registers_the_scanner_service_and_binds_the_scanning_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DeviceId"] = "d",
            ["SiteId"] = "s",
            ["Broker:Url"] = "mqtt://127.0.0.1:1883",
            ["Broker:AllowUnsignedReceipts"] = "true",
            ["Points:0:Id"] = "conveyor-1",
            ["Scanning:MaxLineLength"] = "64",
            ["Scanning:Patterns:Badge"] = @"^\d{8}$",
            ["Scanning:Scanners:0:Id"] = "hid-1",
            ["Scanning:Scanners:0:Point"] = "conveyor-1",
            ["Scanning:Scanners:0:Path"] = "/dev/input/by-id/usb-scanner-event-kbd",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddEdgeAgent(configuration);
        await using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<ScannerService>());
        var options = provider.GetRequiredService<IOptions<EdgeAgentOptions>>().Value.Scanning;
        Assert.Equal((64, "evdev", true), (options.MaxLineLength, options.Scanners[0].Kind, options.Scanners[0].Grab));
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is not null);
    }
}
