using EdgeAgent.Procedure;

namespace EdgeAgent.Health;

/// <summary>Findings as health shows them: counts and the newest few, so a field tech sees what went wrong at a point.</summary>
/// <param name="Total">Findings raised since start.</param>
/// <param name="UnsafeRecent">Unsafe findings within <see cref="UnsafeFindings.RecentWindow"/>; any makes health degraded.</param>
/// <param name="Recent">The newest findings, newest first, at most <see cref="MaxRecent"/>.</param>
public sealed record FindingsHealth(long Total, int UnsafeRecent, IReadOnlyList<FindingHealth> Recent)
{
    public const int MaxRecent = 20;

    public static FindingsHealth From(FindingLog log, DateTimeOffset now)
    {
        var all = log.Recent;
        var unsafeRecent = all.Count(f => UnsafeFindings.IsUnsafe(f.Code) && now - f.At <= UnsafeFindings.RecentWindow);
        var recent = all.Reverse().Take(MaxRecent)
            .Select(f => new FindingHealth(f.Code, f.PointId, f.WorkOrderId, f.StepId, f.At, f.Message, UnsafeFindings.IsUnsafe(f.Code)))
            .ToList();
        return new FindingsHealth(log.Total, unsafeRecent, recent);
    }
}
