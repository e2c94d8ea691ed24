using EdgeAgent.Scanning;

namespace EdgeAgent.Health;

/// <summary>Badge and tag scanners: a missing scanner is a problem (its scans are lost until it is back).</summary>
public sealed class ScannerHealthContributor(ScannerService scanners, ScanRouter scans) : IHealthContributor
{
    public ValueTask ContributeAsync(HealthReportBuilder report, CancellationToken cancellationToken = default)
    {
        var entries = ScannerHealth.From(report.Agent.Scanning.Scanners, scanners, scans.Recent);
        foreach (var scanner in entries.Where(s => s.State == ScannerHealth.Missing))
        {
            report.AddProblem($"scanner {scanner.Id}: missing ({scanner.Reason}); badge and tag scans from it are lost until it is back");
        }

        report.Scanners = entries;
        return ValueTask.CompletedTask;
    }
}
