using EdgeAgent.Demo;
using EdgeAgent.Health;

namespace EdgeAgent.Tests.Faults;

/// <summary>An outbox file that is not a database (a torn SD card write, a bad block) is quarantined, never fatal.</summary>
public sealed class CorruptOutboxTests
{
    [Fact]
    public async Task Corrupted_outbox_is_quarantined_reported_and_the_agent_keeps_recording()
    {
        using var temp = new TempDirectory();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var broker = await InProcessBroker.StartAsync(cts.Token);
        await using var collector = new CollectorHarness(temp.Combine("collector"), new BrokerOptions { Url = broker.Url }, clientId: "corrupt-collector", sharedGroup: null); // MQTTnet's broker has no $share
        await collector.StartAsync();
        var state = temp.Combine("agent");
        Directory.CreateDirectory(state);
        var garbage = "this is no SQLite database: a torn write left it like this\n"u8.ToArray();
        await File.WriteAllBytesAsync(Path.Combine(state, "outbox.db"), garbage, cts.Token);

        await using var app = AgentHost.Build(ConfigLoader.Build(AgentConfig.Write(temp.Path, AgentConfig.Baseline(state, broker.Url))), configureLogging: l => l.SetMinimumLevelToWarning());
        await app.StartAsync(cts.Token);

        // The bad file is kept for recovery by hand, byte for byte.
        var quarantined = Assert.Single(Directory.GetFiles(Path.Combine(state, "quarantine"), "outbox-*.db"));
        Assert.Equal(garbage, await File.ReadAllBytesAsync(quarantined, cts.Token));

        // Health says so loudly.
        var report = await app.Services.GetRequiredService<HealthCollector>().CollectAsync(cts.Token);
        Assert.Equal("failing", report.Status);
        Assert.Contains(report.Problems, p => p.Contains("unreadable outbox", StringComparison.Ordinal) && p.Contains(quarantined, StringComparison.Ordinal));

        // And evidence keeps flowing; the first new record tells the auditor why the chain restarts.
        var outcome = await app.Services.GetRequiredService<TriggerBus>().PublishAndWaitAsync(
            new TriggerEvent("conveyor-1", TriggerKind.Manual, "test", "test", DateTimeOffset.UtcNow, TimeProvider.System.GetTimestamp()) { StepId = "isolated" }, cts.Token);
        await collector.WaitForStoredAsync(1, TimeSpan.FromSeconds(30));
        var record = Assert.Single(collector.Stored);
        Assert.Equal(Assert.Single(outcome.RecordIds), record.RecordId);
        Assert.Equal(1, record.Sequence);
        Assert.Contains(record.Findings, f => f.StartsWith("outbox-quarantined: unreadable outbox", StringComparison.Ordinal));
        await app.StopAsync(CancellationToken.None);
    }
}
