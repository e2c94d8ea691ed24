using EdgeAgent.Procedure;

namespace EdgeAgent.Health;

/// <summary>Findings since start; an unsafe one within the last hour makes the report degraded.</summary>
public sealed class FindingsHealthContributor(FindingLog? findingLog = null) : IHealthContributor
{
    public ValueTask ContributeAsync(HealthReportBuilder report, CancellationToken cancellationToken = default)
    {
        var findings = findingLog is null ? null : FindingsHealth.From(findingLog, report.Now);
        if (findings is { UnsafeRecent: > 0 })
        {
            // The newest unsafe one may be older than the newest few shown (a burst of other findings): never a 500 for that.
            report.AddProblem(findings.Recent.FirstOrDefault(f => f.Unsafe) is { } newest
                ? $"findings: {findings.UnsafeRecent} unsafe in the last hour, newest {newest.Code} at {newest.Point} ({newest.Message})"
                : $"findings: {findings.UnsafeRecent} unsafe in the last hour");
        }

        report.Findings = findings;
        return ValueTask.CompletedTask;
    }
}
