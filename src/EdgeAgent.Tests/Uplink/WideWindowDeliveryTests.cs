using System.Buffers;
using System.Globalization;
using EdgeAgent.Tests.Outbox;
using EdgeAgent.Uplink;
using MQTTnet;
using MQTTnet.Packets;

namespace EdgeAgent.Tests.Uplink;

/// <summary>
/// A window holding more image bytes than the device keeps in memory (records enter the window as they are sent; only
/// the read-ahead and the publishes not yet settled hold buffers): every record still reaches the collector once, in
/// order, unchanged, and resends read the records back from the outbox in batches. Ground truth is what a subscriber
/// saw on the broker, what the collector stored (it checks each image's SHA-256 against its record) and the outbox's
/// ledger of rented image buffers. A window of 256 once drained 44 records/s: each record beyond the first 8 MiB was
/// read back alone after a PUBACK round trip.
/// </summary>
public sealed class WideWindowDeliveryTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120); // generous: a loaded 2-core machine is the normal case

    /// <summary>300 kB images: four 96 KiB chunks each, in 512 KiB pooled buffers.</summary>
    private const int ImageBytes = 300_000;

    private const int HeldPerRecord = 512 * 1024;

    /// <summary>
    /// What the sender may hold at once: the read-ahead (at most one record over its bound), the record being published
    /// and those whose publishes have not settled yet (at most <see cref="DeliveryWindow.PublishesAhead"/>), with room for one
    /// more. The fill before held 8 MiB of images (here 27 records, 13.5 MiB of buffers) besides the read-ahead.
    /// </summary>
    private const long HeldBound = DeliveryWindow.ReadAheadBytes + (DeliveryWindow.PublishesAhead + 3) * (long)HeldPerRecord;

    private readonly TempDirectory temp = new();

    [Fact]
    public async Task A_window_wider_than_the_memory_bound_delivers_each_record_once_in_order_unchanged_and_returns_every_buffer()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var collectorRoot = temp.Combine("collector");
        await StartSessionAsync(collectorRoot, broker.Url); // the broker queues for the collector while it is away
        await using var evidence = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/evidence");
        await using var uplink = new UplinkHarness(temp.Combine("agent"), broker.Url, b => (b.MaxInFlightRecords, b.ReceiptTimeoutSeconds) = (64, 3600));
        var records = await EvidenceFixtures.AppendAsync(uplink.Outbox, 40, ImageBytes); // 12 MB: three times the read-ahead

        // No collector yet: all 40 go out and stay in the window, awaiting receipts.
        await uplink.StartAsync();
        await evidence.WaitForAsync(records.Count, Patience);
        Assert.Equal(records.Count, uplink.Uplink.Window.InFlightCount);

        await using var collector = new CollectorHarness(collectorRoot, new() { Url = broker.Url }, clientId: "wide-collector", sharedGroup: null);
        await collector.StartAsync();
        await collector.WaitForStoredAsync(records.Count, Patience);
        await uplink.WaitUntilDrainedAsync(Patience);
        await uplink.Uplink.StopAsync(CancellationToken.None);

        // No resend (the receipt timeout is an hour): each record published once, in sequence order, and stored once.
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), evidence.Messages.Select(m => EvidenceRecord.FromJson(m.Payload.ToArray()).Sequence));
        Assert.Equal(records.Select(r => r.RecordId).Order(), collector.Stored.Select(r => r.RecordId).Order());
        Assert.Empty(CrashedOutbox.Sequences(uplink.Options.StateDirectory));
        var buffers = uplink.Outbox.ImageBuffers;
        Console.WriteLine($"image buffers held at most {buffers.Peak / 1048576.0:0.0} MiB for a window of {records.Count * ImageBytes / 1e6:0} MB (bound {HeldBound / 1048576.0:0.0} MiB)");
        Assert.Equal(0, buffers.Held); // every buffer went back to the pool
        Assert.InRange(buffers.Peak, HeldPerRecord, HeldBound);
    }

    [Fact]
    public async Task Resends_of_a_wide_window_are_read_back_in_batches_with_every_image_unchanged_and_each_record_stored_once()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var collectorRoot = temp.Combine("collector");
        await StartSessionAsync(collectorRoot, broker.Url);
        await using var images = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/image");
        await using var uplink = new UplinkHarness(temp.Combine("agent"), broker.Url, b => (b.MaxInFlightRecords, b.ReceiptTimeoutSeconds) = (64, 2));
        var records = await EvidenceFixtures.AppendAsync(uplink.Outbox, 24, ImageBytes); // 7.2 MB: four read-back batches of 2 MiB
        var resent = 0;
        var allResent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        uplink.Uplink.Window.Resent += (_, count) =>
        {
            if (Interlocked.Add(ref resent, count) >= records.Count)
            {
                allResent.TrySetResult();
            }
        };

        // No collector: after 2 s without receipts every record is sent again, chunks and all, read back from the outbox.
        await uplink.StartAsync();
        await allResent.Task.WaitAsync(Patience);
        var chunksPerRecord = InFlightRecord.ChunksFor(ImageBytes, uplink.Options.Broker.MaxChunkBytes);
        await images.WaitForAsync(2 * records.Count * chunksPerRecord, Patience);
        await using var collector = new CollectorHarness(collectorRoot, new() { Url = broker.Url }, clientId: "wide-collector", sharedGroup: null);
        await collector.StartAsync();
        await uplink.WaitUntilDrainedAsync(Patience);
        await uplink.Uplink.StopAsync(CancellationToken.None);

        // Every copy of every chunk the broker saw (the first send and the ones read back) is the image's slice: no buffer
        // was reused while a publish read it.
        Assert.True(images.Messages.Count >= 2 * records.Count * chunksPerRecord);
        var chunks = images.Messages
            .Select(m => (RecordId: Guid.Parse(Property(m, Topics.Properties.RecordId)), Index: int.Parse(Property(m, Topics.Properties.ChunkIndex), CultureInfo.InvariantCulture), Payload: m.Payload.ToArray()))
            .ToLookup(c => c.RecordId);
        foreach (var record in records)
        {
            var copies = chunks[record.RecordId].GroupBy(c => c.Index).OrderBy(g => g.Key).ToList();
            Assert.Equal(Enumerable.Range(0, chunksPerRecord), copies.Select(g => g.Key));
            Assert.All(copies, g => Assert.All(g, c => Assert.Equal(g.First().Payload, c.Payload)));
            var image = copies.SelectMany(g => g.First().Payload).ToArray();
            Assert.Equal(record.Image!.Sha256, Convert.ToHexStringLower(SHA256.HashData(image)));
        }

        Assert.Equal(records.Select(r => r.RecordId).Order(), collector.Stored.Select(r => r.RecordId).Order()); // once each
        var buffers = uplink.Outbox.ImageBuffers;
        Console.WriteLine($"image buffers held at most {buffers.Peak / 1048576.0:0.0} MiB while resending {records.Count * ImageBytes / 1e6:0.0} MB (bound {HeldBound / 1048576.0:0.0} MiB)");
        Assert.Equal(0, buffers.Held);
        Assert.InRange(buffers.Peak, HeldPerRecord, HeldBound);
    }

    /// <summary>Creates the collector's persistent session and subscription, then leaves: the broker queues what it would receive.</summary>
    private static async Task StartSessionAsync(string root, string brokerUrl)
    {
        await using var first = new CollectorHarness(root, new() { Url = brokerUrl }, clientId: "wide-collector", sharedGroup: null);
        await first.StartAsync();
    }

    private static string Property(MqttApplicationMessage message, string name) => message.UserProperties.Single(p => p.Name == name).ReadValueAsString();

    public void Dispose() => temp.Dispose();
}
