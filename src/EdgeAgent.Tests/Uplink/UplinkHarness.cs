using EdgeAgent.Uplink;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Tests.Uplink;

/// <summary>
/// A real outbox and a real <see cref="MqttUplinkService"/> (no host around them), for delivery tests. Unless the test
/// passes its own logger, disposing it fails the test if the uplink logged an error the test did not allow (<see cref="AllowErrors"/>).
/// </summary>
public sealed class UplinkHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly ErrorLogGuard errors = new();
    private readonly ILoggerFactory loggers;
    private bool started;

    public UplinkHarness(string stateDirectory, string brokerUrl, Action<BrokerOptions>? configure = null, string deviceId = "test-device", ILogger<MqttUplinkService>? logger = null, TelemetryQueue? telemetry = null, TimeProvider? timeProvider = null)
    {
        var broker = new BrokerOptions { Url = brokerUrl, ReceiptTimeoutSeconds = 3, AllowUnsignedReceipts = true }; // receipt-signature tests set CollectorKeys
        configure?.Invoke(broker);
        Options = new EdgeAgentOptions { DeviceId = deviceId, SiteId = "test-site", StateDirectory = stateDirectory, Broker = broker };
        Outbox = EvidenceOutbox.Open(Path.Combine(stateDirectory, "outbox.db"));
        loggers = LoggerFactory.Create(b => b.AddProvider(errors));
        Uplink = new MqttUplinkService(Microsoft.Extensions.Options.Options.Create(Options), Outbox, timeProvider ?? TimeProvider.System, logger ?? loggers.CreateLogger<MqttUplinkService>(), new RefusingCommandHandler(), telemetry);
    }

    /// <summary>This test provokes errors containing these fragments (message or event id): they do not fail it.</summary>
    public UplinkHarness AllowErrors(params string[] fragments)
    {
        foreach (var fragment in fragments)
        {
            errors.Allow(fragment);
        }

        return this;
    }

    public EdgeAgentOptions Options { get; }

    public EvidenceOutbox Outbox { get; }

    public MqttUplinkService Uplink { get; }

    public async Task StartAsync()
    {
        started = true;
        await Uplink.StartAsync(stop.Token);
    }

    /// <summary>Completes when the outbox is empty (every record receipted).</summary>
    public async Task WaitUntilDrainedAsync(TimeSpan timeout)
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async void Check(object? sender, int count)
        {
            if ((await Outbox.StatsAsync()).Count == 0)
            {
                drained.TrySetResult();
            }
        }

        Uplink.Window.Delivered += Check;
        try
        {
            Check(null, 0);
            await drained.Task.WaitAsync(timeout);
        }
        finally
        {
            Uplink.Window.Delivered -= Check;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (started)
        {
            await Uplink.StopAsync(CancellationToken.None);
        }

        Uplink.Dispose();
        Outbox.Dispose();
        stop.Dispose();
        loggers.Dispose();
        errors.AssertNoUnexpected();
    }

    private sealed class RefusingCommandHandler : ICommandHandler
    {
        public Task<CommandResult> HandleAsync(DeviceCommand command, CancellationToken cancellationToken = default) =>
            Task.FromResult(CommandResult.Failure("no commands in this test"));
    }
}
