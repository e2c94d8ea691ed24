using System.Reflection;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Health;

/// <summary>
/// Builds a <see cref="HealthReport"/> from every <see cref="IHealthContributor"/> (one per component, in
/// registration order), then grades it: failing if any contributor said so, degraded with any problem, else ok.
/// </summary>
public sealed class HealthCollector(IOptions<EdgeAgentOptions> options, IEnumerable<IHealthContributor> contributors, TimeProvider timeProvider)
{
    /// <summary>How the clock's problem sentence starts; <c>status</c> grades it as a warning of its own.</summary>
    public const string ClockProblemPrefix = "clock: ";
    private static readonly string AgentVersion = typeof(HealthCollector).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";
    private readonly IHealthContributor[] contributors = [.. contributors];
    private readonly DateTimeOffset startedAt = timeProvider.GetUtcNow();
    private readonly long startedTimestamp = timeProvider.GetTimestamp();

    public async Task<HealthReport> CollectAsync(CancellationToken cancellationToken = default)
    {
        var agent = options.Value;
        var report = new HealthReportBuilder(agent, timeProvider.GetUtcNow());
        foreach (var contributor in contributors)
        {
            await contributor.ContributeAsync(report, cancellationToken);
        }

        return new HealthReport
        {
            Device = agent.DeviceId,
            Site = agent.SiteId,
            Version = AgentVersion,
            Status = report.Failing ? "failing" : report.Problems.Count > 0 ? "degraded" : "ok",
            Problems = [.. report.Problems],
            GeneratedAt = report.Now,
            StartedAt = startedAt,
            UptimeSeconds = Math.Round(timeProvider.GetElapsedTime(startedTimestamp).TotalSeconds, 1),
            Cameras = report.Cameras,
            Inputs = report.Inputs,
            Scanners = report.Scanners,
            Broker = report.Broker ?? throw Missing(nameof(BrokerHealthContributor)),
            Outbox = report.Outbox ?? throw Missing(nameof(OutboxHealthContributor)),
            Disk = report.Disk ?? throw Missing(nameof(DiskHealthContributor)),
            Clock = report.Clock ?? throw Missing(nameof(ClockHealthContributor)),
            CpuTemperatureC = report.CpuTemperatureC,
            PipelineAlive = report.PipelineAlive,
            Findings = report.Findings,
        };
    }

    private static InvalidOperationException Missing(string contributor) =>
        new($"No {contributor} is registered: the health report has no section for it (see HealthServiceCollectionExtensions)");
}
