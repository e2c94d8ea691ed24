using EdgeAgent.Triggers;

namespace EdgeAgent.Health;

/// <summary>Lock inputs: level, lock state and chatter; an input that is not watched fails the report.</summary>
public sealed class InputHealthContributor(LockInputService inputs) : IHealthContributor
{
    public ValueTask ContributeAsync(HealthReportBuilder report, CancellationToken cancellationToken = default)
    {
        var states = inputs.Health;
        report.Inputs = states.Select(i => new InputHealthEntry(
            i.InputId,
            i.PointId,
            i.Locked,
            i.Level is { } high ? (high ? "high" : "low") : "unreadable",
            i.Quarantined ? $"quarantined since {i.QuarantinedSince:HH:mm:ss} ({i.EdgesInWindow} edges in window)" : i.EdgesInWindow > 1 ? $"{i.EdgesInWindow} edges in window" : null)).ToList();
        foreach (var input in states)
        {
            if (input.Fault is not null && input.Fault != LockInputService.NotStarted)
            {
                report.AddProblem($"input {input.InputId}: not watched ({input.Fault})", failing: true);
            }
            else if (input.Quarantined)
            {
                report.AddProblem($"input {input.InputId}: contact chattering; captures from it are held until it settles");
            }
        }

        return ValueTask.CompletedTask;
    }
}
