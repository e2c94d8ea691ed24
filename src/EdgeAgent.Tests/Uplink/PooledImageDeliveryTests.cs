using System.Buffers;
using System.Globalization;
using EdgeAgent.Tests.Outbox;
using MQTTnet;
using MQTTnet.Packets;

namespace EdgeAgent.Tests.Uplink;

/// <summary>
/// Images go out of pooled buffers (<see cref="DeliveryItem"/>): a buffer is reused only after every publish of its
/// record completed. Ground truth is what a subscriber saw on the broker: each image, put back together from its
/// chunks, has the SHA-256 its record states, although the buffers were reused many times during the drain.
/// </summary>
public sealed class PooledImageDeliveryTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90); // generous: a loaded 2-core machine is the normal case
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Every_image_reaches_the_broker_unchanged_while_the_drain_reuses_its_buffers()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var images = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/image");
        await using var evidence = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/evidence");

        // A small window and small chunks: each buffer is reused about ten times, each image is several publishes.
        await using var uplink = new UplinkHarness(temp.Combine("agent"), broker.Url, b => (b.RequireReceipts, b.MaxInFlightRecords, b.MaxChunkBytes) = (false, 4, 8 * 1024));
        var records = new List<EvidenceRecord>();
        for (var i = 0; i < 40; i++)
        {
            var image = EvidenceFixtures.Image(Random.Shared.Next(10_000, 60_000)); // one pool bucket: buffers change hands between records
            records.Add(await EvidenceFixtures.AppendChainedAsync(uplink.Outbox, (seq, prevHash) => EvidenceFixtures.Record(seq, image) with { PrevHash = prevHash }, image));
        }

        await uplink.StartAsync();
        await evidence.WaitForAsync(records.Count, Patience);
        await uplink.WaitUntilDrainedAsync(Patience);

        var chunks = images.Messages
            .Select(m => (RecordId: Guid.Parse(Property(m, Topics.Properties.RecordId)), Index: int.Parse(Property(m, Topics.Properties.ChunkIndex), CultureInfo.InvariantCulture), Payload: m.Payload.ToArray()))
            .ToLookup(c => c.RecordId);
        foreach (var record in records)
        {
            var parts = chunks[record.RecordId].DistinctBy(c => c.Index).OrderBy(c => c.Index).ToList();
            var image = parts.SelectMany(c => c.Payload).ToArray();
            Assert.Equal(record.Image!.Bytes, image.Length);
            Assert.Equal(record.Image.Sha256, Convert.ToHexStringLower(SHA256.HashData(image)));
        }
    }

    private static string Property(MqttApplicationMessage message, string name) => message.UserProperties.Single(p => p.Name == name).ReadValueAsString();

    public void Dispose() => temp.Dispose();
}
