using EdgeAgent.Evidence;

namespace EdgeAgent.Health;

/// <summary>Kernel clock discipline: not synchronised is a problem starting with <see cref="HealthCollector.ClockProblemPrefix"/>.</summary>
public sealed class ClockHealthContributor(IClockSyncProbe clock) : IHealthContributor
{
    public ValueTask ContributeAsync(HealthReportBuilder report, CancellationToken cancellationToken = default)
    {
        var state = ClockSync.From(clock.Read());
        if (!state.Synchronised)
        {
            report.AddProblem(HealthCollector.ClockProblemPrefix + "not synchronised; evidence timestamps cannot be trusted");
        }

        report.Clock = state;
        return ValueTask.CompletedTask;
    }
}
