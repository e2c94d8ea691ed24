namespace EdgeAgent.Health;

/// <summary>
/// One component's part of the health report: it fills its section of the <see cref="HealthReportBuilder"/> and adds
/// its problems. <see cref="HealthCollector"/> asks every registered contributor, in registration order.
/// </summary>
public interface IHealthContributor
{
    /// <summary>Never throws for a broken component: a component that cannot be read is a problem in the report.</summary>
    ValueTask ContributeAsync(HealthReportBuilder report, CancellationToken cancellationToken = default);
}
