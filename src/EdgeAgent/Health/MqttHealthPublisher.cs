using System.Text.Json;
using EdgeAgent.Protocol;
using EdgeAgent.Uplink;

namespace EdgeAgent.Health;

/// <summary>Publishes health retained on <c>edgeagent/v1/{device}/health</c> through the uplink's one MQTT client.</summary>
public sealed class MqttHealthPublisher(MqttUplinkService uplink) : IHealthPublisher
{
    public Task<bool> PublishAsync(HealthReport report, CancellationToken cancellationToken = default) =>
        uplink.TryPublishRetainedAsync(Topics.Health(report.Device), JsonSerializer.SerializeToUtf8Bytes(report, HealthJson.Options), cancellationToken);
}
