using EdgeAgent.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Health;

/// <summary>
/// Refreshes the health model every <see cref="HealthOptions.CheckIntervalSeconds"/> and publishes it when it
/// changed, or when <see cref="HealthOptions.PublishIntervalSeconds"/> passed since the last publish. A report
/// that could not be sent (offline) is sent on the first check after the broker is back.
/// </summary>
public sealed partial class HealthMonitor(
    HealthCollector collector,
    IHealthPublisher publisher,
    IOptions<EdgeAgentOptions> options,
    TimeProvider timeProvider,
    ILogger<HealthMonitor> logger) : BackgroundService
{
    private string? publishedSignature;
    private long publishedAt;

    /// <summary>The last report built, or null before the first check.</summary>
    public HealthReport? Current { get; private set; }

    /// <summary>Raised after each report is published.</summary>
    public event EventHandler<HealthReport>? Published;

    /// <summary>Raised after every check, published or not.</summary>
    public event EventHandler<HealthReport>? Checked;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var health = options.Value.Health;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(health.CheckIntervalSeconds), timeProvider);
        do
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.CheckFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Builds a report and publishes it if it changed or is due.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken = default)
    {
        var report = await collector.CollectAsync(cancellationToken);
        var previous = Current;
        Current = report;
        if (previous?.Status != report.Status)
        {
            Log.StatusChanged(logger, report.Status, string.Join("; ", report.Problems));
        }

        var signature = report.Signature();
        var due = publishedSignature is null
            || signature != publishedSignature
            || timeProvider.GetElapsedTime(publishedAt) >= TimeSpan.FromSeconds(options.Value.Health.PublishIntervalSeconds);
        if (due && await publisher.PublishAsync(report, cancellationToken))
        {
            publishedSignature = signature;
            publishedAt = timeProvider.GetTimestamp();
            Published?.Invoke(this, report);
        }

        Checked?.Invoke(this, report);
    }
}
