using EdgeAgent.Tests.Outbox;
using EdgeAgent.Uplink;

namespace EdgeAgent.Tests.Uplink;

/// <summary>An outage of the collector is a few log lines, not one per resend, and the drain after it ends with a summary.</summary>
public sealed class BacklogLogTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Resends_during_a_collector_outage_collapse_and_the_drain_logs_a_summary_with_counts()
    {
        using var temp = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        var collectorRoot = temp.Combine("collector");
        await using (var first = new CollectorHarness(collectorRoot, new() { Url = broker.Url }, clientId: "outage-collector", sharedGroup: null))
        {
            await first.StartAsync(); // its session and subscription stay with the broker, which queues for it while it is away
        }

        var log = new ListLogger<MqttUplinkService>();
        await using var uplink = new UplinkHarness(temp.Combine("agent"), broker.Url, b => b.ReceiptTimeoutSeconds = 5, logger: log);
        await EvidenceFixtures.AppendAsync(uplink.Outbox, 10, 5_000);
        var resent = 0;
        var allResent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        uplink.Uplink.Window.Resent += (_, count) =>
        {
            if (Interlocked.Add(ref resent, count) >= 10)
            {
                allResent.TrySetResult();
            }
        };

        // The collector is away: after 5 s without receipts all ten are sent again, logged once.
        await uplink.StartAsync();
        await allResent.Task.WaitAsync(Patience);
        await using var collector = new CollectorHarness(collectorRoot, new() { Url = broker.Url }, clientId: "outage-collector", sharedGroup: null);
        await collector.StartAsync();
        await uplink.WaitUntilDrainedAsync(Patience);

        var lines = log.Lines;
        var all = string.Join('\n', lines.Select(l => $"[{l.EventId}] {l.Message}"));
        var resendLine = Assert.Single(lines, l => l.EventId == 5010);
        Assert.Contains("sending them again", resendLine.Message, StringComparison.Ordinal);
        Assert.True(lines.Any(l => l.EventId == 5015), all); // receipts are back, with the count
        Assert.True(lines.Any(l => l.EventId == 5016 && l.Message.StartsWith("Draining the outbox: 10 record(s)", StringComparison.Ordinal)), all);
        var summary = Assert.Single(lines, l => l.EventId == 5018);
        Assert.Matches(@"^Drain finished: 10 records, 50000 image bytes in [0-9.]+ s \([0-9.]+ records/s\)$", summary.Message);
    }
}
