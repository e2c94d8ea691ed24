using EdgeAgent.Demo;
using EdgeAgent.Tests.Outbox;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Tests.Uplink;

/// <summary>
/// A mosquitto as a site would run it: TLS with client certificates made here, the certificate's CN as the
/// user name, the ACL from docs/protocol.md, and <c>max_packet_size 131072</c> (AWS IoT's 128 KB cap).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TlsAclTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDirectory temp = new();

    public const string Acl = """
        # Devices: the certificate CN is the user name and the device id.
        pattern write edgeagent/v1/%u/evidence
        pattern write edgeagent/v1/%u/image
        pattern write edgeagent/v1/%u/status
        pattern write edgeagent/v1/%u/health
        pattern write edgeagent/v1/%u/telemetry/#
        pattern write edgeagent/v1/%u/response/#
        pattern write edgeagent/v1/%u/response
        pattern read edgeagent/v1/%u/receipt
        pattern read edgeagent/v1/%u/command

        # Collectors.
        user collector
        topic read edgeagent/v1/+/evidence
        topic read edgeagent/v1/+/image
        topic write edgeagent/v1/+/receipt
        """;

    private async Task<(MosquittoProcess Broker, TestCertificates Certificates)> StartBrokerAsync()
    {
        var certificates = new TestCertificates(temp.Path);
        var (serverCert, serverKey) = certificates.Issue("broker", server: true);
        File.WriteAllText(temp.Combine("acl"), Acl + "\n");

        // mosquitto started as root drops to user 'mosquitto': it must be able to read these whatever the umask.
        File.SetUnixFileMode(temp.Path, (UnixFileMode)Convert.ToInt32("755", 8));
        foreach (var file in Directory.EnumerateFiles(temp.Path))
        {
            File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("644", 8));
        }

        var port = InProcessBroker.FreeTcpPort();
        var broker = await MosquittoProcess.StartAsync(
            $"""
            listener {port} 127.0.0.1
            cafile {certificates.CaFile}
            certfile {serverCert}
            keyfile {serverKey}
            require_certificate true
            use_identity_as_username true
            allow_anonymous false
            acl_file {temp.Combine("acl")}
            max_packet_size 131072
            """,
            listener: false,
            port: port);
        return (broker, certificates);
    }

    private static BrokerOptions Tls(MosquittoProcess broker, TestCertificates certificates, string commonName)
    {
        var (certificate, key) = certificates.Issue(commonName);
        return new BrokerOptions { Url = $"mqtts://127.0.0.1:{broker.Port}", CaFile = certificates.CaFile, ClientCertificateFile = certificate, ClientKeyFile = key, MaxChunkBytes = 96 * 1024 };
    }

    [Fact]
    public async Task Device_delivers_a_large_image_in_chunks_over_TLS_to_a_packet_capped_broker_and_cannot_read_another_device()
    {
        var (broker, certificates) = await StartBrokerAsync();
        await using var _ = broker;
        using var __ = certificates;
        var collectorTls = Tls(broker, certificates, "collector");
        await using var collector = new CollectorHarness(temp.Combine("collector"), collectorTls);
        await collector.StartAsync();
        var devA = Tls(broker, certificates, "dev-a");

        // Configured chunks (256 KiB) exceed the broker's cap: the uplink must shrink them, not loop on refusals.
        await using (var uplink = new UplinkHarness(temp.Combine("dev-a"), devA.Url, b => { b.CaFile = devA.CaFile; b.ClientCertificateFile = devA.ClientCertificateFile; b.ClientKeyFile = devA.ClientKeyFile; b.MaxChunkBytes = 256 * 1024; }, deviceId: "dev-a"))
        {
            var records = await EvidenceFixtures.AppendAsync(uplink.Outbox, 2, 400 * 1024, deviceId: "dev-a"); // 5 chunks each, 3x the cap
            await uplink.StartAsync();
            await collector.WaitForStoredAsync(2, Patience);
            await uplink.WaitUntilDrainedAsync(Patience);
            Assert.Equal(records.Select(r => r.RecordId), collector.Stored.Select(r => r.RecordId));
            Assert.InRange(uplink.Uplink.Window.ChunkSize, 1024, 131072 - 512);
        }

        // dev-a spies on dev-b: the ACL must keep dev-b's evidence away from it.
        await using var spy = await MqttObserver.StartAsync(devA.Url, "edgeagent/v1/dev-b/#", devA, clientId: "dev-a");
        await spy.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic("edgeagent/v1/dev-a/receipt").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());
        var devB = Tls(broker, certificates, "dev-b");
        await using var publisherB = await MqttObserver.StartAsync(devB.Url, "edgeagent/v1/dev-b/receipt", devB, clientId: "dev-b");
        var ownPublish = await publisherB.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("edgeagent/v1/dev-b/status").WithPayload("online"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(ownPublish.IsSuccess, "a device can publish its own topics");

        // A device cannot write into another device's topics: refused with a reason code, never a silent success.
        var forged = await spy.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("edgeagent/v1/dev-b/evidence").WithPayload("{}"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.False(forged.IsSuccess);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);

        // Marker after dev-b's message: once it reaches the spy, anything of dev-b's would have arrived before it.
        await using var marker = await MqttObserver.StartAsync(collectorTls.Url, "edgeagent/v1/dev-a/none", collectorTls, clientId: "collector-marker");
        await marker.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("edgeagent/v1/dev-a/receipt").WithPayload("marker"u8.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await spy.WaitForAsync(1, Patience);
        Assert.All(spy.Messages, m => Assert.Equal("edgeagent/v1/dev-a/receipt", m.Topic));
    }

    [Fact]
    public async Task A_message_over_the_brokers_packet_cap_is_never_reported_as_delivered()
    {
        var (broker, certificates) = await StartBrokerAsync();
        await using var _ = broker;
        using var __ = certificates;
        var devA = Tls(broker, certificates, "dev-a");
        await using var client = await MqttObserver.StartAsync(devA.Url, "edgeagent/v1/dev-a/receipt", devA, clientId: "dev-a");

        var outcome = await Record.ExceptionAsync(async () =>
        {
            var result = await client.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("edgeagent/v1/dev-a/image").WithPayload(new byte[200 * 1024]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.False(result.IsSuccess, $"an oversized publish came back as {result.ReasonCode}");
        });

        Assert.True(outcome is null or not Xunit.Sdk.XunitException, outcome?.Message);
    }

    public void Dispose() => temp.Dispose();
}
