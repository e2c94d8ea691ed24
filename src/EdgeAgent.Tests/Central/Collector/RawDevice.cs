using System.Globalization;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// A plain MQTT 5 client that speaks as a device would, or as a buggy or hostile one: it publishes records and
/// chunks exactly as given, with no outbox and no retries, so a test controls every byte the collector sees.
/// </summary>
public sealed class RawDevice : IAsyncDisposable
{
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();

    private RawDevice(string deviceId) => DeviceId = deviceId;

    public string DeviceId { get; }

    public IMqttClient Client => client;

    public static async Task<RawDevice> ConnectAsync(string url, string deviceId)
    {
        var device = new RawDevice(deviceId);
        await device.client.ConnectAsync(MqttConnectionFactory.Build(new global::EdgeAgent.Configuration.BrokerOptions { Url = url }, "raw-" + deviceId + "-" + Guid.NewGuid().ToString("N")[..6]));
        return device;
    }

    public Task PublishRecordAsync(byte[] json) => PublishAsync(Topics.Evidence(DeviceId), json);

    public Task PublishChunkAsync(Guid recordId, int index, int count, byte[] data) =>
        PublishAsync(Topics.Image(DeviceId), data, (Topics.Properties.RecordId, recordId.ToString()), (Topics.Properties.ChunkIndex, index.ToString(CultureInfo.InvariantCulture)), (Topics.Properties.ChunkCount, count.ToString(CultureInfo.InvariantCulture)));

    public async Task PublishAsync(string topic, byte[] payload, params (string Name, string Value)[] properties)
    {
        var builder = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        foreach (var (name, value) in properties)
        {
            builder.WithUserProperty(name, System.Text.Encoding.UTF8.GetBytes(value));
        }

        var result = await client.PublishAsync(builder.Build());
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"broker refused a publish on {topic}: {result.ReasonCode}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
        {
            await client.DisconnectAsync();
        }

        client.Dispose();
    }
}
