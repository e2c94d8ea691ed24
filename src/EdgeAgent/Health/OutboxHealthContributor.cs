using EdgeAgent.Outbox;

namespace EdgeAgent.Health;

/// <summary>Outbox depth and age, and its condition: unreadable, quota passed, state lost or quarantined is failing.</summary>
public sealed class OutboxHealthContributor(EvidenceOutbox outbox) : IHealthContributor
{
    public async ValueTask ContributeAsync(HealthReportBuilder report, CancellationToken cancellationToken = default)
    {
        var agent = report.Agent;
        (long Count, long Bytes, DateTimeOffset? Oldest) stats = (0, 0, null);
        try
        {
            await outbox.RefreshSpaceAsync(cancellationToken); // a full disk clears here once space is back, trigger or not
            stats = await outbox.StatsAsync(cancellationToken);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            // A broken store is a failing component, never a failed health request.
            report.AddProblem($"outbox: unreadable ({ex.Message}); evidence cannot be stored or sent. Fix: restart the agent: it quarantines an unreadable outbox (kept under quarantine/ in {agent.StateDirectory}) and continues the sequence", failing: true);
        }

        double? oldestAge = stats.Oldest is { } oldest ? Math.Round((report.Now - oldest).TotalSeconds, 1) : null;
        report.Outbox = new OutboxHealth(stats.Count, stats.Bytes, stats.Oldest, oldestAge);

        var condition = outbox.Condition;
        if (condition.State != OutboxState.Ok)
        {
            // Evidence quota passed (kept, never dropped) or the last record could not be stored: critical.
            report.AddProblem($"outbox: {condition.Detail}", failing: true);
        }

        if (condition.StateLost is { } lost)
        {
            report.AddProblem($"outbox: state-lost: {lost.Message}. Fix: check the collector's gap report for this device against the quarantined file; restart the agent to clear this once accounted for", failing: true);
        }
        else if (condition.QuarantineDetail is { } quarantine)
        {
            report.AddProblem($"outbox: {quarantine}", failing: true);
        }

        if (condition.HeadProblem is { } head)
        {
            report.AddProblem($"outbox: {head}");
        }
    }
}
