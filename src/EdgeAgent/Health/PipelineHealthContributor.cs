namespace EdgeAgent.Health;

/// <summary>The pipeline's liveness verdict (what the systemd watchdog is fed on): failing when it is not healthy.</summary>
public sealed class PipelineHealthContributor(PipelineHealth pipeline) : IHealthContributor
{
    public ValueTask ContributeAsync(HealthReportBuilder report, CancellationToken cancellationToken = default)
    {
        var verdict = pipeline.Evaluate();
        foreach (var problem in verdict.Problems)
        {
            report.AddProblem(problem);
        }

        if (!verdict.Healthy)
        {
            report.MarkFailing();
        }

        report.PipelineAlive = verdict.Healthy;
        return ValueTask.CompletedTask;
    }
}
