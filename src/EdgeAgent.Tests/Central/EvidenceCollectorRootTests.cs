using EdgeAgent.Central;
using EdgeAgent.Central.Reporting;

namespace EdgeAgent.Tests.Central;

/// <summary>The central side's composition root: what <c>collect</c> and <c>demo</c> resolve.</summary>
public sealed class EvidenceCollectorRootTests
{
    [Fact]
    public async Task Registering_the_collector_touches_no_disk_and_resolving_it_opens_the_store_once()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("store");
        var services = new ServiceCollection()
            .AddLogging()
            .AddEvidenceCollector(new CollectorOptions { Broker = new global::EdgeAgent.Configuration.BrokerOptions { Url = "mqtt://127.0.0.1:1" }, OutputDirectory = root });
        await using var provider = services.BuildServiceProvider();

        Assert.False(Directory.Exists(root)); // nothing opened before the collector is asked for

        var collector = provider.GetRequiredService<CollectorService>();
        Assert.Same(collector, provider.GetRequiredService<CollectorService>());
        Assert.Equal(Path.GetFullPath(root), collector.Store.Location);
        Assert.Equal(Path.Combine(Path.GetFullPath(root), CollectorService.DefaultReceiptKeyFile), collector.ReceiptKey.Path);
        Assert.True(File.Exists(collector.ReceiptKey.Path));
        Assert.NotNull(provider.GetRequiredService<ReportGenerator>());
    }
}
