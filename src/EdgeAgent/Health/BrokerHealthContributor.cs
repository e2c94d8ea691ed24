using EdgeAgent.Configuration;
using EdgeAgent.Uplink;

namespace EdgeAgent.Health;

/// <summary>The broker connection and receipt trust; not connected is a problem (evidence waits in the outbox).</summary>
public sealed class BrokerHealthContributor(MqttUplinkService uplink) : IHealthContributor
{
    public ValueTask ContributeAsync(HealthReportBuilder report, CancellationToken cancellationToken = default)
    {
        if (!uplink.IsConnected)
        {
            report.AddProblem("broker: not connected; evidence waits in the outbox");
        }

        var url = BrokerEndpoint.TryParse(report.Agent.Broker.Url, out var endpoint, out _) ? endpoint.ToString() : "(invalid)";
        report.Broker = new BrokerHealth(url, uplink.IsConnected, uplink.LastAcknowledgedAt)
        {
            UntrustedReceipts = uplink.ReceiptTrust.Untrusted,
            ReceiptsSigned = !uplink.ReceiptTrust.AllowUnsigned,
        };
        return ValueTask.CompletedTask;
    }
}
