using System.Buffers;
using EdgeAgent.Tests.Outbox;

namespace EdgeAgent.Tests.Uplink;

/// <summary>
/// The outbox read ahead of the window while it publishes: every record still reaches the broker once, in chain
/// order, records appended during the drain follow, and a crash between receipt and removal only resends. Ground
/// truth is what a subscriber saw on the broker, the collector's store and the outbox file.
/// </summary>
public sealed class ReadAheadDeliveryTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90); // generous: a loaded 2-core machine is the normal case
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task A_backlog_read_ahead_reaches_the_broker_once_each_in_chain_order_with_records_appended_during_the_drain()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = new CollectorHarness(temp.Combine("collector"), new() { Url = broker.Url });
        await collector.StartAsync();
        await using var uplink = new UplinkHarness(temp.Combine("agent"), broker.Url, b => (b.MaxInFlightRecords, b.ReceiptTimeoutSeconds) = (4, 3600));
        var records = await EvidenceFixtures.AppendAsync(uplink.Outbox, 30, 20_000);
        await using var evidence = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/evidence");

        await uplink.StartAsync();
        await evidence.WaitForAsync(5, Patience); // draining: more are appended while the window sends and reads ahead
        records.AddRange(await EvidenceFixtures.AppendAsync(uplink.Outbox, 10, 20_000));
        await collector.WaitForStoredAsync(40, Patience);
        await uplink.WaitUntilDrainedAsync(Patience);

        // No resend (the receipt timeout is an hour): each record published exactly once, in sequence order.
        Assert.Equal(records.Select(r => r.RecordId), evidence.Messages.Select(m => EvidenceRecord.FromJson(m.Payload.ToArray()).RecordId));
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), evidence.Messages.Select(m => EvidenceRecord.FromJson(m.Payload.ToArray()).Sequence));
        Assert.True(uplink.Uplink.Window.ReadsAhead > 0, "the drain never read ahead of its window");
        Assert.Equal(records.Select(r => r.RecordId).Order(), collector.Stored.Select(r => r.RecordId).Order());
        Assert.Empty(CrashedOutbox.Sequences(uplink.Options.StateDirectory));
    }

    [Fact]
    public async Task A_crash_between_receipts_and_their_removal_during_a_read_ahead_drain_resends_and_each_record_is_stored_once()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = new CollectorHarness(temp.Combine("collector"), new() { Url = broker.Url });
        await collector.StartAsync();
        var state = temp.Combine("agent");
        var crashed = temp.Combine("agent-after-crash");
        List<EvidenceRecord> records;
        await using (var before = new UplinkHarness(state, broker.Url, b => (b.MaxInFlightRecords, b.ReceiptTimeoutSeconds) = (4, 3600)))
        {
            records = await EvidenceFixtures.AppendAsync(before.Outbox, 12, 5_000);
            await CrashedOutbox.CrashAfterReceiptsAsync(before, collector, crashed, 12, Patience); // reading ahead while no removal can be written
            Assert.True(before.Uplink.Window.ReadsAhead > 0, "the drain never read ahead of its window");
        }

        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), CrashedOutbox.Sequences(crashed));
        await CrashedOutbox.AssertResentAsDuplicatesAsync(crashed, broker.Url, collector, records, Patience);
    }

    public void Dispose() => temp.Dispose();
}
