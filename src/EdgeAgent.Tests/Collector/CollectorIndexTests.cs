using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using EdgeAgent.Collector;
using EdgeAgent.Configuration;
using EdgeAgent.Evidence;
using EdgeAgent.Tests.Infrastructure;
using EdgeAgent.Tests.Reporting;
using EdgeAgent.Uplink;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeAgent.Tests.Collector;

/// <summary>The collector with an index: the index, not the file system, decides what was stored.</summary>
public sealed class CollectorIndexTests
{
    [Fact]
    public async Task Replay_of_an_indexed_record_id_with_altered_fields_writes_no_files()
    {
        using var temp = new TempDirectory();
        await using var broker = await MosquittoProcess.StartAsync();
        await using var index = await EvidenceIndexFactory.OpenAsync(new EvidenceIndexOptions(), temp.Path);
        await using var collector = new CollectorService(
            new CollectorOptions { Broker = new BrokerOptions { Url = broker.Url }, OutputDirectory = temp.Path, ClientId = "collector-idx", Index = index },
            NullLogger<CollectorService>.Instance);
        await collector.StartAsync();

        using var device = new MqttClientFactory().CreateMqttClient();
        var receipts = Channel.CreateUnbounded<string>();
        device.ApplicationMessageReceivedAsync += e =>
        {
            receipts.Writer.TryWrite(JsonDocument.Parse(BuffersExtensions.ToArray(e.ApplicationMessage.Payload)).RootElement.GetProperty("status").GetString()!);
            return Task.CompletedTask;
        };
        await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("device-x").WithProtocolVersion(MqttProtocolVersion.V500).Build());
        await device.SubscribeAsync(Topics.Receipt("device-x"), MqttQualityOfServiceLevel.AtLeastOnce);

        var jpeg = EvidenceStoreBuilder.Jpeg(320, 240, "x");
        var record = Record(jpeg);
        await SendAsync(device, record, jpeg);
        Assert.Equal("stored", await receipts.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)));

        await SendAsync(device, record with { Sequence = 99, Step = record.Step with { Id = "restored" } }, jpeg);
        Assert.Equal("duplicate", await receipts.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Single(new EvidenceStore(temp.Path).Enumerate());
        Assert.Equal(1, await index.CountAsync());
        Assert.Equal(1, collector.StoredCount);
    }

    private static EvidenceRecord Record(byte[] jpeg) => new()
    {
        RecordId = Guid.CreateVersion7(),
        Sequence = 1,
        DeviceId = "device-x",
        SiteId = "site-a",
        PointId = "conveyor-1",
        WorkOrder = new WorkOrderStamp("WO-1", "conveyor-lockout"),
        Step = new StepStamp("isolated", 0, new Dictionary<string, string> { ["en"] = "Energy isolated" }, true),
        Trigger = new TriggerStamp("Manual", "test", "test", DateTimeOffset.UtcNow, "op"),
        Frame = new FrameStamp("cam-1", 1, DateTimeOffset.UtcNow, 50, 320, 240),
        Image = new ImageStamp(Convert.ToHexStringLower(SHA256.HashData(jpeg)), jpeg.Length),
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private static async Task SendAsync(IMqttClient device, EvidenceRecord record, byte[] jpeg)
    {
        await device.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Image(record.DeviceId))
            .WithPayload(jpeg)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithUserProperty(Topics.Properties.RecordId, Encoding.UTF8.GetBytes(record.RecordId.ToString()))
            .WithUserProperty(Topics.Properties.ChunkIndex, Encoding.UTF8.GetBytes("0"))
            .WithUserProperty(Topics.Properties.ChunkCount, Encoding.UTF8.GetBytes(1.ToString(CultureInfo.InvariantCulture)))
            .Build());
        await device.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Evidence(record.DeviceId))
            .WithPayload(record.ToJson())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
    }
}
