using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Evidence;
using EdgeAgent.Uplink;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.Collector;

/// <summary>
/// The central collector: subscribes to every device's evidence, reassembles images, checks their
/// SHA-256, writes image and record durably, and only then acknowledges the message and sends the device
/// a receipt. The same record twice is stored once.
/// </summary>
public sealed partial class CollectorService(CollectorOptions options, ILogger<CollectorService> logger) : IAsyncDisposable
{
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private readonly ChunkAssembler chunks = new(options.MaxImageBytes, options.MaxPendingBytes);
    private readonly SemaphoreSlim gate = new(1, 1);
    private long stored;

    public EvidenceStore Store { get; } = new(options.OutputDirectory);

    /// <summary>Raised after a record and its image are durably stored (not for duplicates).</summary>
    public event EventHandler<EvidenceRecord>? RecordStored;

    /// <summary>Raised when a message is refused, with the reason.</summary>
    public event EventHandler<string>? Rejected;

    public long StoredCount => Interlocked.Read(ref stored);

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        var mqtt = MqttConnectionFactory.Build(options.Broker, options.ClientId, b => b.WithCleanStart(false).WithSessionExpiryInterval(7 * 24 * 3600));
        await client.ConnectAsync(mqtt, cancellationToken);
        await client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(Topics.AllImages).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .WithTopicFilter(f => f.WithTopic(Shared(Topics.AllEvidence)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .Build(),
            cancellationToken);
        Log.Started(logger, options.Broker.Url, Store.Root);
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        args.AutoAcknowledge = false;
        var message = args.ApplicationMessage;
        await gate.WaitAsync();
        try
        {
            var deviceId = Topics.DeviceOf(message.Topic);
            if (deviceId is null)
            {
                Reject(message.Topic, "not a device topic");
            }
            else if (message.Topic == Topics.Image(deviceId))
            {
                HandleChunk(message);
            }
            else if (message.Topic == Topics.Evidence(deviceId))
            {
                await HandleRecordAsync(deviceId, message);
            }

            // Acknowledge only now: whatever was accepted is on disk.
            await args.AcknowledgeAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.HandlerFailed(logger, ex, message.Topic);
        }
        finally
        {
            gate.Release();
        }
    }

    private void HandleChunk(MqttApplicationMessage message)
    {
        var recordId = Property(message, Topics.Properties.RecordId);
        if (!Guid.TryParse(recordId, out _) ||
            !int.TryParse(Property(message, Topics.Properties.ChunkIndex), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ||
            !int.TryParse(Property(message, Topics.Properties.ChunkCount), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            Reject(message.Topic, "image chunk without valid record-id/chunk/chunks properties");
            return;
        }

        var error = chunks.Add(recordId!, index, count, message.Payload.ToArray());
        if (error is not null)
        {
            Reject(message.Topic, $"chunk for {recordId}: {error}");
        }
    }

    private async Task HandleRecordAsync(string deviceId, MqttApplicationMessage message)
    {
        var json = message.Payload.ToArray();
        EvidenceRecord record;
        try
        {
            record = EvidenceRecord.FromJson(json);
        }
        catch (JsonException ex)
        {
            Reject(message.Topic, $"record is not valid JSON: {ex.Message}");
            return;
        }

        if (record.DeviceId != deviceId)
        {
            Reject(message.Topic, $"record claims device '{record.DeviceId}' but came on '{deviceId}'s topic");
            return;
        }

        var image = chunks.TryTake(record.RecordId.ToString());
        string status;
        if (image is null)
        {
            status = "incomplete";
            Reject(message.Topic, $"record {record.RecordId} arrived without its complete image");
        }
        else if (!Convert.ToHexStringLower(SHA256.HashData(image)).Equals(record.Image.Sha256, StringComparison.Ordinal))
        {
            status = "hash-mismatch";
            Reject(message.Topic, $"record {record.RecordId}: image SHA-256 does not match the record");
        }
        else if (await StoreOnceAsync(record, json, image))
        {
            status = "stored";
            Interlocked.Increment(ref stored);
            Log.Stored(logger, record.DeviceId, record.Sequence, record.WorkOrder.Id, record.Step.Id);
            RecordStored?.Invoke(this, record);
        }
        else
        {
            status = "duplicate";
        }

        await SendReceiptAsync(deviceId, record, status);
    }

    private async Task SendReceiptAsync(string deviceId, EvidenceRecord record, string status)
    {
        var receipt = JsonSerializer.SerializeToUtf8Bytes(new { recordId = record.RecordId, sequence = record.Sequence, status });
        await client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(Topics.Receipt(deviceId)).WithPayload(receipt).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            CancellationToken.None);
    }

    private void Reject(string topic, string reason)
    {
        Log.Rejected(logger, topic, reason);
        Rejected?.Invoke(this, reason);
    }

    private static string? Property(MqttApplicationMessage message, string name) =>
        message.UserProperties?.FirstOrDefault(p => p.Name == name)?.ReadValueAsString();

    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
        {
            await client.DisconnectAsync();
        }

        client.Dispose();
        gate.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Collector connected to {Broker}, storing under {Root}")]
        public static partial void Started(ILogger logger, string broker, string root);

        [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Stored {DeviceId} #{Sequence} ({WorkOrder}, step {StepId})")]
        public static partial void Stored(ILogger logger, string deviceId, long sequence, string workOrder, string stepId);

        [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Rejected message on {Topic}: {Reason}")]
        public static partial void Rejected(ILogger logger, string topic, string reason);

        [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "Failed to handle message on {Topic}; not acknowledged, the broker will redeliver")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string topic);
    }
}
