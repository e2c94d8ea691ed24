using System.Text.Json;
using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using EdgeAgent.Procedure;
using EdgeAgent.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Uplink;

/// <summary>
/// Publishes every finding once as an alert on <c>edgeagent/v1/{device}/alert</c>: the alert is written to the
/// durable telemetry queue (SQLite) the moment the finding is raised, and the uplink sends it at QoS 1 when the
/// broker is reachable, so an alert raised offline arrives after the connection returns.
/// </summary>
public sealed partial class FindingAlertPublisher(
    FindingLog findings,
    TelemetryQueue queue,
    IOptions<EdgeAgentOptions> options,
    ILogger<FindingAlertPublisher> logger) : IHostedService
{
    public const string Schema = "edgeagent.alert/1";

    private readonly HashSet<Finding> published = [];
    private readonly Lock gate = new();

    /// <summary>Listens for findings, then alerts the ones raised before it listened (a state or outbox quarantined while starting).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        findings.Raised += OnRaised;
        foreach (var earlier in findings.Recent)
        {
            OnRaised(this, earlier);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        findings.Raised -= OnRaised;
        return Task.CompletedTask;
    }

    /// <summary>The alert's JSON payload (documented in docs/protocol.md).</summary>
    public static byte[] Payload(Finding finding, string deviceId, string siteId) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        schema = Schema,
        device = deviceId,
        site = siteId,
        code = finding.Code,
        severity = UnsafeFindings.IsUnsafe(finding.Code) ? "unsafe" : "notice",
        message = finding.Message,
        point = finding.PointId,
        workOrder = finding.WorkOrderId,
        step = finding.StepId,
        at = finding.At,
    });

    private void OnRaised(object? sender, Finding finding)
    {
        lock (gate)
        {
            if (!published.Add(finding))
            {
                return; // raised while starting: already alerted from the log's recent list
            }
        }

        try
        {
            var agent = options.Value;
            queue.Enqueue(Topics.AlertQueueName, Payload(finding, agent.DeviceId, agent.SiteId));
            Log.Queued(logger, finding.Code, finding.PointId);
        }
        catch (Exception ex)
        {
            // The finding is still in health and in the point's next evidence record.
            Log.QueueFailed(logger, finding.Code, finding.PointId, ex.Message);
        }
    }
}
