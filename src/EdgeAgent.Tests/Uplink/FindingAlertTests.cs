using System.Text.Json;
using EdgeAgent.Uplink;
using MQTTnet;
using MQTTnet.Server;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Tests.Uplink;

/// <summary>Findings published as alerts through the durable telemetry queue, against a real broker.</summary>
public sealed class FindingAlertTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Alert_raised_while_the_broker_is_down_arrives_after_it_returns()
    {
        // MQTTnet's in-process broker sees every publish it accepts, whoever subscribes, so arrival is not a subscription race.
        await using var broker = await EdgeAgent.Demo.InProcessBroker.StartAsync();
        var arrived = new TaskCompletionSource<MqttApplicationMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var online = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        broker.Server.InterceptingPublishAsync += e =>
        {
            if (e.ApplicationMessage.Topic == Topics.Status("test-device"))
            {
                online.TrySetResult();
            }

            if (e.ApplicationMessage.Topic == Topics.Alert("test-device"))
            {
                arrived.TrySetResult(e.ApplicationMessage);
            }

            return Task.CompletedTask;
        };
        using var queue = TelemetryQueue.Open(temp.Combine("agent", "telemetry.db"), new(), TimeProvider.System);
        await using var uplink = new UplinkHarness(temp.Combine("agent"), broker.Url, telemetry: queue);
        var log = new FindingLog();
        var alerts = new FindingAlertPublisher(log, queue, Options.Create(new EdgeAgentOptions { DeviceId = "test-device", SiteId = "site-1" }), NullLogger<FindingAlertPublisher>.Instance);
        await alerts.StartAsync(default);
        await uplink.StartAsync();
        await online.Task.WaitAsync(Patience); // connected and announced before the broker goes away

        await broker.Server.StopAsync(new MqttServerStopOptions());
        var finding = new Finding(FindingCodes.UnlockBeforeZeroEnergy, "lock lock-a came off before zero energy was verified", "conveyor-1", "WO-1", "locked", DateTimeOffset.UtcNow);
        log.Report(finding);
        log.Report(finding); // the same finding reaching a later record is not a second alert
        Assert.Equal(1, queue.Stats().Count); // held on disk while the broker is away
        Assert.False(arrived.Task.IsCompleted);

        await broker.Server.StartAsync();
        var message = await arrived.Task.WaitAsync(Patience);

        Assert.True(uplink.Uplink.Connections >= 2, $"{uplink.Uplink.Connections} connections: the alert must come over a new connection");
        Assert.Equal(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);
        using var json = JsonDocument.Parse(message.ConvertPayloadToString());
        Assert.Equal(FindingAlertPublisher.Schema, json.RootElement.GetProperty("schema").GetString());
        Assert.Equal("unlock-before-zero-energy", json.RootElement.GetProperty("code").GetString());
        Assert.Equal("unsafe", json.RootElement.GetProperty("severity").GetString());
        Assert.Equal("WO-1", json.RootElement.GetProperty("workOrder").GetString());
        await alerts.StopAsync(default);
    }

    [Fact]
    public async Task Findings_raised_before_the_publisher_started_are_alerted_once()
    {
        using var queue = TelemetryQueue.Open(temp.Combine("agent", "telemetry.db"), new(), TimeProvider.System);
        var log = new FindingLog();
        log.Report(new Finding(FindingCodes.StateLost, "point state unreadable, quarantined", "conveyor-1", null, null, DateTimeOffset.UtcNow));
        var alerts = new FindingAlertPublisher(log, queue, Options.Create(new EdgeAgentOptions { DeviceId = "test-device", SiteId = "site-1" }), NullLogger<FindingAlertPublisher>.Instance);

        await alerts.StartAsync(default);
        log.Report(new Finding(FindingCodes.ClockJump, "wall clock jumped 5000 ms", "conveyor-1", null, null, DateTimeOffset.UtcNow));

        var queued = queue.Peek(10);
        Assert.Equal(2, queued.Count);
        Assert.All(queued, q => Assert.Equal(Topics.AlertQueueName, q.Subtopic));
        Assert.Contains("state-lost", System.Text.Encoding.UTF8.GetString(queued[0].Payload), StringComparison.Ordinal);
        await alerts.StopAsync(default);
    }

    [Fact]
    public void Alerts_go_to_the_device_alert_topic_and_other_telemetry_stays_under_telemetry()
    {
        Assert.Equal("edgeagent/v1/dev-1/alert", Topics.Queued("dev-1", Topics.AlertQueueName));
        Assert.Equal("edgeagent/v1/dev-1/telemetry/health", Topics.Queued("dev-1", "health"));
        Assert.Equal("dev-1", Topics.DeviceOf(Topics.Alert("dev-1")));
    }

    public void Dispose() => temp.Dispose();
}
