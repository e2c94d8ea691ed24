using System.Text.Json;
using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using EdgeAgent.Procedure;
using EdgeAgent.Tests.Infrastructure;
using EdgeAgent.Uplink;
using MQTTnet;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Tests.Uplink;

/// <summary>Findings published as alerts through the durable telemetry queue, against a real mosquitto.</summary>
public sealed class FindingAlertTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Alert_raised_while_the_broker_is_down_arrives_after_it_returns()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        using var queue = new TelemetryQueue(temp.Combine("agent", "telemetry.db"), new(), TimeProvider.System);
        await using var uplink = new UplinkHarness(temp.Combine("agent"), broker.Url, telemetry: queue);
        var log = new FindingLog();
        var alerts = new FindingAlertPublisher(log, queue, Options.Create(new EdgeAgentOptions { DeviceId = "test-device", SiteId = "site-1" }), NullLogger<FindingAlertPublisher>.Instance);
        await alerts.StartAsync(default);
        await uplink.StartAsync();

        broker.Kill();
        var finding = new Finding(FindingCodes.UnlockBeforeZeroEnergy, "lock lock-a came off before zero energy was verified", "conveyor-1", "WO-1", "locked", DateTimeOffset.UtcNow);
        log.Report(finding);
        log.Report(finding); // the same finding reaching a later record is not a second alert
        Assert.Equal(1, queue.Stats().Count); // held on disk while the broker is away

        await broker.RestartAsync();
        await using var observer = await MqttObserver.StartAsync(broker.Url, Topics.Alert("test-device"));
        await observer.WaitForAsync(1, Patience);

        var message = Assert.Single(observer.Messages);
        Assert.Equal(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);
        using var json = JsonDocument.Parse(message.ConvertPayloadToString());
        Assert.Equal(FindingAlertPublisher.Schema, json.RootElement.GetProperty("schema").GetString());
        Assert.Equal("unlock-before-zero-energy", json.RootElement.GetProperty("code").GetString());
        Assert.Equal("unsafe", json.RootElement.GetProperty("severity").GetString());
        Assert.Equal("WO-1", json.RootElement.GetProperty("workOrder").GetString());
        Assert.Equal(0, queue.Stats().Count);
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
