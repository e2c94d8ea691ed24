using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using EdgeAgent.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace EdgeAgent.Uplink;

/// <summary>
/// One long-lived MQTT 5 client with a supervised reconnect loop (exponential backoff with jitter, on the
/// <see cref="TimeProvider"/>). Persistent session, retained <c>online</c> birth and a Last Will that sets a
/// retained <c>offline</c>. Delivery is the <see cref="DeliveryWindow"/>'s job; commands the <see cref="CommandResponder"/>'s.
/// </summary>
public sealed partial class MqttUplinkService : BackgroundService
{
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private readonly EdgeAgentOptions agent;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<MqttUplinkService> logger;
    private readonly CommandResponder commands;

    /// <param name="commandHandler">Carries out commands; without one every command is answered with an error.</param>
    /// <param name="telemetry">Non-evidence sent after evidence; optional.</param>
    public MqttUplinkService(IOptions<EdgeAgentOptions> options, EvidenceOutbox outbox, TimeProvider timeProvider, ILogger<MqttUplinkService> logger, ICommandHandler? commandHandler = null, TelemetryQueue? telemetry = null)
    {
        agent = options.Value;
        this.timeProvider = timeProvider;
        this.logger = logger;
        Window = new DeliveryWindow(outbox, agent.Broker, agent.DeviceId, timeProvider, logger) { Telemetry = telemetry };
        commands = new CommandResponder(commandHandler ?? new NoCommands(), agent.DeviceId, logger);
        ReceiptTrust = new ReceiptTrust(agent.Broker, agent.DeviceId);
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    public bool IsConnected => client.IsConnected;

    public DateTimeOffset? LastAcknowledgedAt => Window.LastAcknowledgedAt;

    public DeliveryWindow Window { get; }

    /// <summary>Which receipts are acted on (signed by an enrolled collector key); counts the others.</summary>
    public ReceiptTrust ReceiptTrust { get; }

    /// <summary>
    /// The largest packet the agent accepts, announced in CONNECT (MQTT 5 Maximum Packet Size): receipts and
    /// commands are a few KiB, so the broker drops anything bigger for this client instead of delivering it.
    /// </summary>
    public const uint MaximumPacketSize = 64 * 1024;

    /// <summary>Receipts and commands the broker may have in flight to the agent (MQTT 5 Receive Maximum): at most 64 × 64 KiB held.</summary>
    public const ushort ReceiveMaximum = 64;

    /// <summary>Connections made so far (a reconnect counts again); for status and tests.</summary>
    public int Connections { get; private set; }

    /// <summary>Failed connections or sessions so far, each followed by a backoff delay; for tests.</summary>
    public int Attempts { get; private set; }

    /// <summary>Raised with each backoff delay once it has started (on the <see cref="TimeProvider"/>), after a failure.</summary>
    public event EventHandler<TimeSpan>? BackingOff;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ReceiptTrust.LoadKeys(); // before the first connection, so no receipt is judged without them
        var endpoint = BrokerEndpoint.Parse(agent.Broker.Url);
        if (!endpoint.UseTls && !endpoint.IsLoopback)
        {
            Log.InsecureBroker(logger, endpoint.ToString());
        }

        if (ReceiptTrust.AllowUnsigned)
        {
            Log.UnsignedReceipts(logger);
        }

        var responder = commands.RunAsync(() => client, stoppingToken);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            long? connectedAt = null;
            var acknowledgedBefore = Window.LastAcknowledgedAt;
            try
            {
                if (!client.IsConnected)
                {
                    await ConnectAsync(stoppingToken);
                    Log.Connected(logger, endpoint.ToString());
                }

                connectedAt = timeProvider.GetTimestamp();
                acknowledgedBefore = Window.LastAcknowledgedAt;
                await Window.RunAsync(client, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Only a connection that got something delivered, or stayed up longer than the backoff cap, counts as
                // a success. A broker that accepts CONNECT and then refuses every publish (NotAuthorized) must not
                // reset the backoff, or the device hammers it every second forever.
                if (connectedAt is { } since && (Window.LastAcknowledgedAt != acknowledgedBefore || timeProvider.GetElapsedTime(since) >= ReconnectBackoff.Cap))
                {
                    failures = 0;
                }

                failures++;
                Attempts++;
                var delay = ReconnectBackoff.Next(failures, Random.Shared);
                Log.Disconnected(logger, endpoint.ToString(), ConnectionError.Describe(ex), delay.TotalSeconds);
                await DropConnectionAsync();
                try
                {
                    var wait = Task.Delay(delay, timeProvider, stoppingToken);
                    BackingOff?.Invoke(this, delay);
                    await wait;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        if (client.IsConnected)
        {
            await GoOfflineAsync();
        }

        try
        {
            await responder;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var mqtt = MqttConnectionFactory.Build(agent.Broker, agent.DeviceId, b => b
            .WithCleanStart(false)
            .WithSessionExpiryInterval(7 * 24 * 3600)
            .WithWillTopic(Topics.Status(agent.DeviceId))
            .WithWillPayload("offline"u8.ToArray())
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce), MaximumPacketSize, ReceiveMaximum);
        var connected = await client.ConnectAsync(mqtt, cancellationToken);
        Connections++;


        // Subscribing again is harmless with a present session and required without one.
        var subscribed = await client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(Topics.Receipt(agent.DeviceId)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .WithTopicFilter(f => f.WithTopic(Topics.Command(agent.DeviceId)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .Build(),
            cancellationToken);
        foreach (var item in subscribed.Items.Where(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2))
        {
            Log.SubscribeRefused(logger, item.TopicFilter.Topic, item.ResultCode.ToString());
        }

        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Status(agent.DeviceId)).WithPayload("online"u8.ToArray()).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
        Window.Reconnected(connected.MaximumPacketSize ?? 0, connected.ReceiveMaximum ?? 0);
    }

    /// <summary>
    /// A clean stop: the retained status becomes <c>offline</c> before the DISCONNECT (which, being normal, does not
    /// fire the Last Will), so dashboards tell a stopped device from a running one. Bounded: a stop never hangs on it.
    /// </summary>
    private async Task GoOfflineAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5), timeProvider);
        try
        {
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Status(agent.DeviceId)).WithPayload("offline"u8.ToArray()).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), deadline.Token);
            Log.WentOffline(logger);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            Log.OfflineNotPublished(logger, ConnectionError.Describe(ex));
        }

        await DropConnectionAsync();
    }

    private async Task DropConnectionAsync()
    {
        try
        {
            // A refused publish leaves the connection up; drop it so the next attempt starts clean.
            if (client.IsConnected)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), CancellationToken.None);
            }
        }
        catch (Exception)
        {
            // already gone
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var message = args.ApplicationMessage;
        if (message.Topic == Topics.Receipt(agent.DeviceId))
        {
            OnReceiptMessage(message.Payload);
        }
        else if (message.Topic == Topics.Command(agent.DeviceId))
        {
            commands.OnRequest(message);
        }

        return Task.CompletedTask;
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

    public override void Dispose()
    {
        client.Dispose();
        ReceiptTrust.Dispose();
        base.Dispose();
    }
}
