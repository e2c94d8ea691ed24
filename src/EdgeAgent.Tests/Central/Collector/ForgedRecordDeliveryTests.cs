using EdgeAgent.Tests.Outbox;
using EdgeAgent.Tests.Uplink;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>A device's real uplink, a real mosquitto and a collector with enrolled keys: a forged record is answered 'rejected' over MQTT.</summary>
public sealed class ForgedRecordDeliveryTests : IDisposable
{
    private readonly SignedChainFixture fixture = new();

    [Fact]
    public async Task Record_signed_with_an_unenrolled_key_gets_a_rejected_receipt_and_stays_on_the_device()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = new CollectorHarness(fixture.Root, new BrokerOptions { Url = broker.Url }, keysDirectory: fixture.KeysDirectory);
        await collector.StartAsync();
        await using var receipts = await MqttObserver.StartAsync(broker.Url, Topics.Receipt("dev-1"));
        await using var device = new UplinkHarness(fixture.Combine("device"), broker.Url, deviceId: "dev-1").AllowErrors("Collector rejected record #2"); // the forged one
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        foreach (var key in new[] { fixture.Key, attacker })
        {
            var image = TestRecords.Image(key == attacker ? 2 : 1);
            await EvidenceFixtures.AppendChainedAsync(device.Outbox, (sequence, prevHash) => EvidenceSignature.Sign(TestRecords.Unsigned(sequence, prevHash, image), key), image);
        }

        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        device.Uplink.Window.Delivered += (_, _) => delivered.TrySetResult();

        await device.StartAsync();
        await receipts.WaitForAsync(2, TimeSpan.FromSeconds(20));
        await delivered.Task.WaitAsync(TimeSpan.FromSeconds(20)); // #1 receipted and removed on the device

        var answers = receipts.Messages.SelectMany(m => ReceiptPayload.Entries(m.Payload.FirstSpan)).ToList(); // the device takes batch receipts
        Assert.Contains(answers, r => r is { Sequence: 1, Status: ReceiptStatus.Stored });
        var rejected = answers.Where(r => r.Sequence == 2).ToList(); // the device resends after its receipt timeout: each answered the same
        Assert.NotEmpty(rejected);
        Assert.All(rejected, r => Assert.Equal(ReceiptStatus.Rejected, r.Status));
        Assert.All(rejected, r => Assert.StartsWith("signature: signed by key", r.Reason, StringComparison.Ordinal));
        Assert.Equal([1L], collector.Stored.Select(r => r.Sequence));
        Assert.Single(collector.Service.Store.List());
        Assert.Equal(2, Assert.Single((await device.Outbox.PeekAsync(10)).Select(i => i.Sequence)));
    }

    public void Dispose() => fixture.Dispose();
}
