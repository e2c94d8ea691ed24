using System.Buffers;
using EdgeAgent.Tests.Outbox;
using EdgeAgent.Uplink;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Tests.Uplink;

/// <summary>
/// The drain's stages side by side: the window refills as receipts arrive, while their records are removed in a second
/// stage, one transaction for the receipts that came in together. Ground truth is the outbox file read on a connection
/// of the test's own and the collector's store, not the uplink's counters.
/// </summary>
public sealed class PipelinedDeliveryTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90); // generous: a loaded 2-core machine is the normal case
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task The_window_refills_while_removals_wait_for_the_disk_and_receipts_that_arrived_together_leave_in_one_transaction()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var uplink = new UplinkHarness(temp.Combine("agent"), broker.Url, b => (b.MaxInFlightRecords, b.ReceiptTimeoutSeconds) = (4, 3600));
        var records = await EvidenceFixtures.AppendAsync(uplink.Outbox, 8, 5_000);
        var removals = new List<int>();
        var allRemoved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        uplink.Uplink.Window.Delivered += (_, count) =>
        {
            lock (removals)
            {
                removals.Add(count);
                if (removals.Sum() >= 4)
                {
                    allRemoved.TrySetResult();
                }
            }
        };
        await using var evidence = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/evidence");

        // The outbox's writer is busy (a write stuck on a slow disk): no removal can be written.
        await using var writer = new HeldWriter(uplink.Outbox);
        await writer.HeldAsync(Patience);
        await uplink.StartAsync();
        await evidence.WaitForAsync(4, Patience); // the window: #1..#4

        // The test is the collector: a stored receipt for each of the four in flight.
        foreach (var record in records.Take(4))
        {
            await SendReceiptAsync(evidence.Client, record);
        }

        // The window refills at once, #5..#8, though none of the four could be removed yet; they are all still in the file.
        await evidence.WaitForAsync(8, Patience);
        Assert.Equal(records.Select(r => r.RecordId), evidence.Messages.Select(m => EvidenceRecord.FromJson(m.Payload.ToArray()).RecordId));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], CrashedOutbox.Sequences(uplink.Options.StateDirectory));

        writer.Release();
        await allRemoved.Task.WaitAsync(Patience);
        Assert.Equal([5, 6, 7, 8], CrashedOutbox.Sequences(uplink.Options.StateDirectory));
        lock (removals)
        {
            // The first removal may have taken only the first receipt before it blocked; the others queued behind it.
            Assert.InRange(removals.Count, 1, 2);
            Assert.Equal(removals.Count, uplink.Uplink.Window.RemovalBatches);
        }
    }

    [Fact]
    public async Task A_crash_between_the_receipt_and_the_removal_only_resends_and_the_collector_answers_duplicate()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = new CollectorHarness(temp.Combine("collector"), new() { Url = broker.Url });
        await collector.StartAsync();
        var state = temp.Combine("agent");
        var crashed = temp.Combine("agent-after-crash");
        List<EvidenceRecord> records;
        await using (var before = new UplinkHarness(state, broker.Url, b => (b.MaxInFlightRecords, b.ReceiptTimeoutSeconds) = (4, 3600)))
        {
            records = await EvidenceFixtures.AppendAsync(before.Outbox, 4, 5_000);
            await CrashedOutbox.CrashAfterReceiptsAsync(before, collector, crashed, 4, Patience);
        }

        Assert.Equal([1, 2, 3, 4], CrashedOutbox.Sequences(crashed));
        await CrashedOutbox.AssertResentAsDuplicatesAsync(crashed, broker.Url, collector, records, Patience);
    }

    [Fact]
    public void Publishes_ahead_of_their_PUBACKs_stay_under_the_Receive_Maximum_the_broker_announces()
    {
        using var outbox = EvidenceOutbox.Open(temp.Combine("outbox.db"));
        var window = new DeliveryWindow(outbox, new BrokerOptions(), "test-device", TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Assert.Equal(DeliveryWindow.PublishesAhead, window.PublishesAheadNow);
        window.Reconnected(0, 6);
        Assert.Equal(Math.Min(2, DeliveryWindow.PublishesAhead), window.PublishesAheadNow); // room for the health and command messages on the same connection
        window.Reconnected(0, 2);
        Assert.Equal(1, window.PublishesAheadNow);
        window.Reconnected(0, 0); // none announced: the protocol default (65,535)
        Assert.Equal(DeliveryWindow.PublishesAhead, window.PublishesAheadNow);
        window.Reconnected(0, 20); // mosquitto's default
        Assert.Equal(DeliveryWindow.PublishesAhead, window.PublishesAheadNow);
    }

    private static async Task SendReceiptAsync(IMqttClient client, EvidenceRecord record)
    {
        var receipt = new Receipt { RecordId = record.RecordId, Sequence = record.Sequence, Status = ReceiptStatus.Stored, DeviceId = record.DeviceId };
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Receipt(record.DeviceId)).WithPayload(receipt.ToJson())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
    }

    /// <summary>The outbox's writer taken until released, as a write stuck on a slow disk would take it.</summary>
    private sealed class HeldWriter(EvidenceOutbox outbox) : IAsyncDisposable
    {
        private IDisposable? held;

        public async Task HeldAsync(TimeSpan timeout) => held = await outbox.HoldWriterAsync().WaitAsync(timeout);

        public void Release() => held?.Dispose();

        public ValueTask DisposeAsync()
        {
            Release();
            return ValueTask.CompletedTask;
        }
    }

    public void Dispose() => temp.Dispose();
}
