using System.Globalization;
using System.Text;
using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace EdgeAgent.Uplink;

/// <summary>
/// One long-lived MQTT 5 client with a supervised reconnect loop. Drains the outbox in sequence order:
/// image chunks first, then the record. An item leaves the outbox only after every PUBACK reports success.
/// </summary>
public sealed partial class MqttUplinkService(
    IOptions<EdgeAgentOptions> options,
    EvidenceOutbox outbox,
    TimeProvider timeProvider,
    ILogger<MqttUplinkService> logger) : BackgroundService
{
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();

    public bool IsConnected => client.IsConnected;

    public DateTimeOffset? LastAcknowledgedAt { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var agent = options.Value;
        var endpoint = BrokerEndpoint.Parse(agent.Broker.Url);
        if (!endpoint.UseTls && !endpoint.IsLoopback)
        {
            Log.InsecureBroker(logger, endpoint.ToString());
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!client.IsConnected)
                {
                    await ConnectAsync(agent, stoppingToken);
                    Log.Connected(logger, endpoint.ToString());
                }

                failures = 0;
                await PumpAsync(agent, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = Backoff(failures);
                Log.Disconnected(logger, endpoint.ToString(), ex.Message, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), CancellationToken.None);
        }
    }

    private async Task ConnectAsync(EdgeAgentOptions agent, CancellationToken cancellationToken)
    {
        var mqtt = MqttConnectionFactory.Build(agent.Broker, agent.DeviceId, b => b
            .WithCleanStart(false)
            .WithSessionExpiryInterval(7 * 24 * 3600)
            .WithWillTopic(Topics.Status(agent.DeviceId))
            .WithWillPayload("offline"u8.ToArray())
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        await client.ConnectAsync(mqtt, cancellationToken);
        await PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Status(agent.DeviceId)).WithPayload("online"u8.ToArray()).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
    }

    private async Task PumpAsync(EdgeAgentOptions agent, CancellationToken cancellationToken)
    {
        while (client.IsConnected && !cancellationToken.IsCancellationRequested)
        {
            var idle = outbox.WhenAppended;
            var batch = await outbox.PeekAsync(32, cancellationToken);
            if (batch.Count == 0)
            {
                // Wake on a new record, or periodically to notice a dropped connection.
                await Task.WhenAny(idle, Task.Delay(TimeSpan.FromSeconds(5), timeProvider, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                if (!await client.TryPingAsync(cancellationToken))
                {
                    throw new MqttCommunicationException("broker did not answer a ping");
                }

                continue;
            }

            foreach (var item in batch)
            {
                await outbox.MarkAttemptAsync(item.Sequence, cancellationToken);
                await SendAsync(agent, item, cancellationToken);
                await outbox.CompleteAsync(item.Sequence, cancellationToken);
                LastAcknowledgedAt = timeProvider.GetUtcNow();
            }
        }

        if (!client.IsConnected)
        {
            throw new MqttCommunicationException("connection lost");
        }
    }

    private async Task SendAsync(EdgeAgentOptions agent, OutboxItem item, CancellationToken cancellationToken)
    {
        var chunkSize = agent.Broker.MaxChunkBytes;
        var chunks = Math.Max(1, (item.Image.Length + chunkSize - 1) / chunkSize);
        var recordId = item.RecordId.ToString();
        for (var i = 0; i < chunks; i++)
        {
            var offset = i * chunkSize;
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Image(agent.DeviceId))
                .WithPayload(new ArraySegment<byte>(item.Image, offset, Math.Min(chunkSize, item.Image.Length - offset)))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithContentType("image/jpeg")
                .WithUserProperty(Topics.Properties.RecordId, Encoding.UTF8.GetBytes(recordId))
                .WithUserProperty(Topics.Properties.ChunkIndex, Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)))
                .WithUserProperty(Topics.Properties.ChunkCount, Encoding.UTF8.GetBytes(chunks.ToString(CultureInfo.InvariantCulture)))
                .Build();
            await PublishAsync(message, cancellationToken);
        }

        await PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Evidence(agent.DeviceId))
            .WithPayload(item.Record)
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), cancellationToken);
    }

    private async Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var result = await client.PublishAsync(message, cancellationToken);
        if (!result.IsSuccess)
        {
            // A refused message (quota, packet too large, not authorized) is an error, never a success.
            throw new MqttPublishRefusedException(message.Topic, result.ReasonCode.ToString(), result.ReasonString);
        }
    }

    /// <summary>
    /// Publishes a retained, non-evidence message (health) at QoS 1 if connected. Returns false when offline
    /// or refused; nothing is queued, the caller sends a fresher one later.
    /// </summary>
    public async Task<bool> TryPublishRetainedAsync(string topic, byte[] payload, CancellationToken cancellationToken = default)
    {
        if (!client.IsConnected)
        {
            return false;
        }

        try
        {
            var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithContentType("application/json")
                .WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            return (await client.PublishAsync(message, cancellationToken)).IsSuccess;
        }
        catch (Exception ex) when (ex is MqttCommunicationException or InvalidOperationException)
        {
            return false;
        }
    }

    private static TimeSpan Backoff(int failures)
    {
        var seconds = Math.Min(60, Math.Pow(2, Math.Min(failures, 6)) * 0.5);
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    public override void Dispose()
    {
        client.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Connected to broker {Broker}")]
        public static partial void Connected(ILogger logger, string broker);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Broker {Broker} unavailable: {Reason}; retrying in {Seconds:0.0} s")]
        public static partial void Disconnected(ILogger logger, string broker, string reason, double seconds);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "INSECURE: evidence goes to {Broker} without TLS (Broker:AllowInsecure is set)")]
        public static partial void InsecureBroker(ILogger logger, string broker);
    }
}

/// <summary>The broker answered a PUBACK with a failure reason code.</summary>
public sealed class MqttPublishRefusedException(string topic, string reasonCode, string? reason)
    : Exception($"broker refused publish to '{topic}': {reasonCode}{(string.IsNullOrEmpty(reason) ? "" : $" ({reason})")}")
{
    public string ReasonCode { get; } = reasonCode;
}
