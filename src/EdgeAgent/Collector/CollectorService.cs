using System.Buffers;
using EdgeAgent.Evidence;
using EdgeAgent.Uplink;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.Collector;

/// <summary>
/// The central collector's MQTT side: a shared subscription to every device's images and records, a
/// supervised reconnect loop, manual PUBACK only after the <see cref="EvidenceIntake"/> has written durably,
/// and a receipt to the device after that. The same record twice is stored once.
/// </summary>
public sealed partial class CollectorService : IAsyncDisposable
{
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly CollectorOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider timeProvider;
    private TaskCompletionSource disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? supervisor;
    private long stored;
    private int disposed;

    public CollectorService(CollectorOptions options, ILogger<CollectorService> logger, TimeProvider? timeProvider = null)
    {
        this.options = options;
        this.logger = logger;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        Intake = new EvidenceIntake(options, logger, this.timeProvider);
        Intake.RecordStored += (_, record) =>
        {
            Interlocked.Increment(ref stored);
            RecordStored?.Invoke(this, record);
        };
        Intake.Rejected += (_, reason) => Rejected?.Invoke(this, reason);
        Intake.ChainBroken += (_, broken) => ChainBroken?.Invoke(this, broken);
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        client.DisconnectedAsync += _ =>
        {
            disconnected.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public EvidenceIntake Intake { get; }

    public IEvidenceStore Store => Intake.Store;

    /// <summary>Raised after a record and its image are durably stored (not for duplicates).</summary>
    public event EventHandler<EvidenceRecord>? RecordStored;

    /// <summary>Raised when a message is refused, with the reason.</summary>
    public event EventHandler<string>? Rejected;

    /// <summary>Raised when a stored record's <c>prevHash</c> does not match its stored predecessor; the record is kept, flagged in the index.</summary>
    public event EventHandler<ChainBreak>? ChainBroken;

    /// <summary>Raised when a message could not be handled (for example the disk is full); it was not acknowledged.</summary>
    public event EventHandler<Exception>? HandlingFailed;

    public long StoredCount => Interlocked.Read(ref stored);

    /// <summary>Connects once (throws when the broker is unreachable), then keeps reconnecting in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Intake.Keys is { } keys)
        {
            Log.CheckingSignatures(logger, keys.Devices.Count);
        }
        else
        {
            Log.SignaturesNotChecked(logger);
        }

        foreach (var gap in Intake.Index.CountByDevice().Keys.SelectMany(Intake.Index.Gaps))
        {
            Log.OpenGap(logger, gap.DeviceId, gap.From, gap.To);
        }

        await Store.CheckAsync(cancellationToken); // a bucket that cannot keep its retention promise stops the start
        await ConnectAsync(cancellationToken);
        Log.Started(logger, options.Broker.Url, Store.Location);
        supervisor = SuperviseAsync(stopping.Token);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mqtt = MqttConnectionFactory.Build(options.Broker, options.ClientId, b => b.WithCleanStart(false).WithSessionExpiryInterval(7 * 24 * 3600));
        await client.ConnectAsync(mqtt, cancellationToken);
        await client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(Topics.Shared(options.SubscriptionGroup, Topics.AllImages)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .WithTopicFilter(f => f.WithTopic(Topics.Shared(options.SubscriptionGroup, Topics.AllEvidence)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .Build(),
            cancellationToken);
    }

    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await disconnected.Task.WaitAsync(cancellationToken);
                failures++;
                var delay = ReconnectBackoff.Next(failures, Random.Shared);
                Log.Reconnecting(logger, options.Broker.Url, delay.TotalSeconds);
                await Task.Delay(delay, timeProvider, cancellationToken);
                await ConnectAsync(cancellationToken);
                failures = 0;
                Log.Started(logger, options.Broker.Url, Store.Location);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.ReconnectFailed(logger, options.Broker.Url, ex.Message);
                disconnected.TrySetResult(); // try again after the next backoff
            }
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        args.AutoAcknowledge = false;
        var message = args.ApplicationMessage;
        await gate.WaitAsync();
        try
        {
            var deviceId = Topics.DeviceOf(message.Topic);
            Receipt? receipt = null;
            if (deviceId is null)
            {
                Log.NotDeviceTopic(logger, message.Topic);
            }
            else if (message.Topic == Topics.Image(deviceId))
            {
                Intake.AcceptChunk(deviceId, Property(message, Topics.Properties.RecordId), Property(message, Topics.Properties.ChunkIndex), Property(message, Topics.Properties.ChunkCount), message.Payload.ToArray());
            }
            else if (message.Topic == Topics.Evidence(deviceId))
            {
                receipt = Intake.AcceptRecord(deviceId, message.Payload.ToArray());
            }

            // Acknowledge only now: whatever was accepted is on disk.
            await args.AcknowledgeAsync(CancellationToken.None);
            if (receipt is not null)
            {
                // Not awaited: the next message need not wait for the broker's PUBACK of this receipt. A lost
                // receipt only means the device resends, and the record is answered 'duplicate'.
                _ = SendReceiptAsync(deviceId!, receipt);
            }
        }
        catch (Exception ex)
        {
            // Not acknowledged, and the connection is dropped: unacknowledged messages fill the broker's
            // in-flight window for us, and only a new connection makes it redeliver them (after the backoff).
            // The device, without a receipt, resends too.
            Log.HandlerFailed(logger, ex, message.Topic);
            HandlingFailed?.Invoke(this, ex);
            _ = Task.Run(DropAsync);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task SendReceiptAsync(string deviceId, Receipt receipt)
    {
        try
        {
            await client.PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic(Topics.Receipt(deviceId)).WithPayload(receipt.ToJson()).WithContentType("application/json").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.ReceiptFailed(logger, deviceId, receipt.Sequence, ex.Message);
        }
    }

    private async Task DropAsync()
    {
        try
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.UnspecifiedError).Build());
        }
        catch (Exception)
        {
            disconnected.TrySetResult(); // already gone: let the supervisor reconnect
        }
    }

    private static string? Property(MqttApplicationMessage message, string name) =>
        message.UserProperties?.FirstOrDefault(p => p.Name == name)?.ReadValueAsString();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        if (supervisor is not null)
        {
            await supervisor;
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync();
        }

        client.Dispose();
        gate.Dispose();
        stopping.Dispose();
        Intake.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Collector connected to {Broker}, storing under {Root}")]
        public static partial void Started(ILogger logger, string broker, string root);

        [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "Failed to handle message on {Topic}; not acknowledged, reconnecting so the broker redelivers")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string topic);

        [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "Collector lost {Broker}; reconnecting in {Seconds:0.0} s")]
        public static partial void Reconnecting(ILogger logger, string broker, double seconds);

        [LoggerMessage(EventId = 7008, Level = LogLevel.Warning, Message = "Collector could not reconnect to {Broker}: {Reason}")]
        public static partial void ReconnectFailed(ILogger logger, string broker, string reason);

        [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "Receipt for {DeviceId} #{Sequence} not sent: {Reason}; the device will resend and get 'duplicate'")]
        public static partial void ReceiptFailed(ILogger logger, string deviceId, long sequence, string reason);

        [LoggerMessage(EventId = 7011, Level = LogLevel.Warning, Message = "Open sequence gap from {DeviceId}: #{From}..#{To} not received yet")]
        public static partial void OpenGap(ILogger logger, string deviceId, long from, long to);

        [LoggerMessage(EventId = 7013, Level = LogLevel.Warning, Message = "Record signatures are NOT checked: no enrolled keys configured (edgeagent collect --keys DIR); records are stored after their image hash check only")]
        public static partial void SignaturesNotChecked(ILogger logger);

        [LoggerMessage(EventId = 7014, Level = LogLevel.Information, Message = "Checking record signatures against {Count} enrolled device key(s); records from other devices are rejected")]
        public static partial void CheckingSignatures(ILogger logger, int count);

        [LoggerMessage(EventId = 7009, Level = LogLevel.Warning, Message = "Ignored a message on {Topic}: not a device topic")]
        public static partial void NotDeviceTopic(ILogger logger, string topic);
    }
}
