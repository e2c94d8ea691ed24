namespace EdgeAgent.Health;

/// <summary>Free space on the state directory: below <c>Health:DiskLowPercent</c> is a problem, below a fifth of it failing.</summary>
public sealed class DiskHealthContributor(IDiskSpaceProbe disk) : IHealthContributor
{
    public ValueTask ContributeAsync(HealthReportBuilder report, CancellationToken cancellationToken = default)
    {
        var agent = report.Agent;
        var space = disk.Measure(agent.StateDirectory);
        if (space.FreePercent < agent.Health.DiskLowPercent)
        {
            report.AddProblem($"disk: {space.FreePercent:0.#}% free on {agent.StateDirectory}", failing: space.FreePercent < agent.Health.DiskLowPercent / 5);
        }

        report.Disk = new DiskHealth(agent.StateDirectory, space.FreeBytes, space.TotalBytes, Math.Round(space.FreePercent, 1));
        return ValueTask.CompletedTask;
    }
}
