using EdgeAgent.Tests.Outbox;
using EdgeAgent.Uplink;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Tests.Uplink;

/// <summary>
/// Issue 14, attack 5: any client allowed to write a device's receipt topic could make it delete evidence.
/// Receipts are now signed by the collector's key and the device acts only on those that verify.
/// </summary>
public sealed class SignedReceiptTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Forged_stored_receipts_from_another_client_delete_nothing_and_the_real_collector_still_drains_the_outbox()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var (privateKey, publicKey) = CollectorKey("collector");
        await using var device = new UplinkHarness(temp.Combine("device"), broker.Url, b => b.CollectorKeys = [publicKey], deviceId: "dev-1");
        await EvidenceFixtures.AppendAsync(device.Outbox, 20, 2048, deviceId: "dev-1");

        // The attacker reads the evidence topic and answers every record 'stored': unsigned, signed with its own
        // key, and signed with the real collector key but for another device (a replayed receipt).
        using var attackerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var collectorKey = DeviceKey.LoadOrCreateFile(privateKey);
        using var attacker = new MqttClientFactory().CreateMqttClient();
        var refusedEnough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        attacker.ApplicationMessageReceivedAsync += args =>
        {
            var record = EvidenceRecord.FromJson(System.Buffers.BuffersExtensions.ToArray(args.ApplicationMessage.Payload));
            var stored = new Receipt { RecordId = record.RecordId, Sequence = record.Sequence, Status = ReceiptStatus.Stored, DeviceId = "dev-1" };
            var answers = new[] { stored, ReceiptSignature.Sign(stored, attackerKey), ReceiptSignature.Sign(stored with { DeviceId = "dev-2" }, collectorKey.Key) };
            _ = Task.Run(async () =>
            {
                foreach (var receipt in answers)
                {
                    await attacker.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Receipt("dev-1")).WithPayload(receipt.ToJson()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                }
            });
            return Task.CompletedTask;
        };
        device.Uplink.ReceiptTrust.Refused += (_, count) =>
        {
            if (count >= 60)
            {
                refusedEnough.TrySetResult();
            }
        };
        await attacker.ConnectAsync(MqttConnectionFactory.Build(new BrokerOptions { Url = broker.Url }, "attacker"));
        await attacker.SubscribeAsync(Topics.Evidence("dev-1"), MqttQualityOfServiceLevel.AtLeastOnce);

        await device.StartAsync();
        await refusedEnough.Task.WaitAsync(TimeSpan.FromSeconds(60)); // 3 forged receipts for each of the 20 records, all refused

        Assert.Equal(20, (await device.Outbox.StatsAsync()).Count); // 20 of 20 records stay
        Assert.Null(device.Uplink.Window.LastReceiptAt); // not one receipt reached the delivery window

        // The genuine collector, with the enrolled key, empties the outbox.
        await attacker.DisconnectAsync();
        await using var collector = new CollectorHarness(temp.Combine("store"), new BrokerOptions { Url = broker.Url }, receiptKeyFile: privateKey);
        await collector.StartAsync();
        await device.WaitUntilDrainedAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(20, collector.Stored.Count);
    }

    [Fact]
    public void During_key_rotation_receipts_signed_by_either_enrolled_key_are_trusted_and_no_other()
    {
        var (oldPrivate, oldPublic) = CollectorKey("old");
        var (newPrivate, newPublic) = CollectorKey("new");
        using var oldKey = DeviceKey.LoadOrCreateFile(oldPrivate);
        using var newKey = DeviceKey.LoadOrCreateFile(newPrivate);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var trust = new ReceiptTrust(new BrokerOptions { Url = "mqtt://127.0.0.1:1", CollectorKeys = [oldPublic, newPublic] }, "dev-1").LoadKeys();
        var receipt = new Receipt { RecordId = Guid.CreateVersion7(), Sequence = 7, Status = ReceiptStatus.Stored, DeviceId = "dev-1" };

        string? Check(Receipt r)
        {
            var bytes = r.ToJson();
            return trust.Problem(bytes, Receipt.TryParse(bytes)!);
        }

        Assert.Null(Check(ReceiptSignature.Sign(receipt, oldKey.Key)));
        Assert.Null(Check(ReceiptSignature.Sign(receipt, newKey.Key)));
        Assert.Contains("not an enrolled collector key", Check(ReceiptSignature.Sign(receipt, stranger)), StringComparison.Ordinal);
        Assert.Equal("receipt is not signed", Check(receipt));
        Assert.Contains("not 'dev-1'", Check(ReceiptSignature.Sign(receipt with { DeviceId = "dev-2" }, newKey.Key)), StringComparison.Ordinal);
        Assert.Equal("signature does not match the receipt", Check(ReceiptSignature.Sign(receipt with { Status = ReceiptStatus.Rejected }, newKey.Key) with { Status = ReceiptStatus.Stored }));
        Assert.Equal(4L, trust.Untrusted);
    }

    [Fact]
    public void Without_a_collector_key_the_agent_refuses_to_start_unless_unsigned_receipts_are_allowed()
    {
        var options = new EdgeAgentOptions { DeviceId = "dev-1", SiteId = "site-1", Broker = new BrokerOptions { Url = "mqtt://127.0.0.1:1883" } };

        var refused = new EdgeAgentCrossReferenceValidator().Validate(null, options);
        options.Broker.AllowUnsignedReceipts = true;
        var allowed = new EdgeAgentCrossReferenceValidator().Validate(null, options);
        options.Broker.CollectorKeys = [temp.Combine("missing.pem")];
        var missing = new EdgeAgentCrossReferenceValidator().Validate(null, options);

        Assert.Contains("Broker:CollectorKeys: list the collector's public key", refused.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Broker:CollectorKeys", allowed.FailureMessage ?? "", StringComparison.Ordinal);
        Assert.Contains("Broker:CollectorKeys:0: file", missing.FailureMessage, StringComparison.Ordinal);
    }

    private (string PrivateKey, string PublicKey) CollectorKey(string name)
    {
        var privateKey = temp.Combine(name + "-receipt-key.pem");
        using var key = DeviceKey.LoadOrCreateFile(privateKey);
        var publicKey = temp.Combine(name + ".pub.pem");
        File.WriteAllText(publicKey, key.PublicKeyPem);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(privateKey));
        return (privateKey, publicKey);
    }

    public void Dispose() => temp.Dispose();
}
