using EdgeAgent.Outbox;
using EdgeAgent.Procedure;
using EdgeAgent.Protocol;
using EdgeAgent.Uplink;
using Prometheus;

namespace EdgeAgent.Health;

/// <summary>
/// The agent's Prometheus metrics (prometheus-net, one registry per agent): the health gauges, counters of records
/// made, stored (receipted), resent and rejected and of findings by code, the latency histograms trigger edge →
/// outbox and trigger edge → stored receipt, and .NET runtime and process metrics. Fed by the events the stages
/// already raise; nothing here calls back into a stage.
/// </summary>
public sealed class AgentMetrics : Microsoft.Extensions.Hosting.IHostedService
{
    private readonly EvidenceOutbox outbox;
    private readonly MqttUplinkService uplink;
    private readonly FindingLog findingLog;
    private readonly Counter made, stored, resent, rejected, findings;
    private readonly Histogram edgeToOutbox, edgeToStored;
    private readonly HealthGauges gauges;
    private readonly TimeProvider timeProvider;

    public AgentMetrics(EvidenceOutbox outbox, MqttUplinkService uplink, FindingLog findingLog, TimeProvider timeProvider)
    {
        this.timeProvider = timeProvider;
        this.outbox = outbox;
        this.uplink = uplink;
        this.findingLog = findingLog;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        DotNetStats.Register(Registry); // process_cpu_seconds_total, process_working_set_bytes, dotnet_collection_count_total…
        gauges = new HealthGauges(factory);
        made = factory.CreateCounter("edgeagent_records_made_total", "Evidence records durably written to the outbox.");
        stored = factory.CreateCounter("edgeagent_records_stored_total", "Records the collector receipted as stored (they then leave the outbox).");
        resent = factory.CreateCounter("edgeagent_records_resent_total", "Records sent again: no receipt in time, or chunks the collector lacked.");
        rejected = factory.CreateCounter("edgeagent_records_rejected_total", "Rejected receipts from the collector (the record stays in the outbox).");
        findings = factory.CreateCounter("edgeagent_findings_total", "Findings raised, by code.", ["code"]);
        edgeToOutbox = factory.CreateHistogram("edgeagent_edge_to_outbox_seconds", "Trigger edge to the record durably in the outbox.", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.05, 2, 10) });
        edgeToStored = factory.CreateHistogram("edgeagent_edge_to_stored_seconds", "Trigger edge to the collector's stored receipt.", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.1, 2, 14) });
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Starts counting; registered before the stages start, so the first record is counted too.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        outbox.Appended += OnMade;
        uplink.Window.ReceiptArrived += OnReceipt;
        uplink.Window.Resent += OnResent;
        findingLog.Raised += OnFinding;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        outbox.Appended -= OnMade;
        uplink.Window.ReceiptArrived -= OnReceipt;
        uplink.Window.Resent -= OnResent;
        findingLog.Raised -= OnFinding;
        return Task.CompletedTask;
    }

    /// <summary>The scrape: the gauges from <paramref name="report"/>, then everything counted so far.</summary>
    public Task<string> RenderAsync(HealthReport report, CancellationToken cancellationToken = default)
    {
        gauges.Set(report);
        return PrometheusText.RenderAsync(Registry, cancellationToken);
    }

    private void OnResent(object? sender, int count) => resent.Inc(count);

    private void OnFinding(object? sender, Finding finding) => findings.WithLabels(finding.Code).Inc();

    private void OnMade(object? sender, EvidenceRecord record)
    {
        made.Inc();
        edgeToOutbox.Observe(Seconds(record.Trigger.EdgeTime));
    }

    private void OnReceipt(object? sender, ReceiptOutcome outcome)
    {
        if (outcome.Status == ReceiptStatus.Rejected)
        {
            rejected.Inc();
        }
        else if (outcome.Final)
        {
            stored.Inc();
            if (outcome.EdgeTime is { } edge)
            {
                edgeToStored.Observe(Seconds(edge));
            }
        }
    }

    private double Seconds(DateTimeOffset since) => Math.Max(0, (timeProvider.GetUtcNow() - since).TotalSeconds);
}
