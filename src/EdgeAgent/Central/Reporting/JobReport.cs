namespace EdgeAgent.Central.Reporting;

/// <summary>One work order at one device: its records in chain order and what a reader must look at.</summary>
public sealed record JobReport
{
    public required string SiteId { get; init; }

    public required string DeviceId { get; init; }

    public required string PointId { get; init; }

    public required string WorkOrderId { get; init; }

    public required string ProcedureId { get; init; }

    /// <summary>The job page's file name, unique per store directory.</summary>
    public required string Page { get; init; }

    /// <summary>Records in device sequence order: the chain as it was recorded.</summary>
    public required IReadOnlyList<ReportEntry> Entries { get; init; }

    public required IReadOnlyList<ReportFinding> Findings { get; init; }

    /// <summary>Names of the procedure's steps in order, when the template is known.</summary>
    public IReadOnlyList<string> ExpectedSteps { get; init; } = [];

    public DateTimeOffset? StartedAt => Entries.Count > 0 ? Entries.Min(e => e.Record.Trigger.EdgeTime) : null;

    public DateTimeOffset? EndedAt => Entries.Count > 0 ? Entries.Max(e => e.Record.Trigger.EdgeTime) : null;

    public JobStatus Status =>
        Entries.Count == 0 || Entries.Any(e => e.Check.Status == VerificationStatus.Failed) || Findings.Any(f => f.Kind == FindingKind.Verification)
            ? JobStatus.Failed
            : Findings.Count > 0 ? JobStatus.Findings : JobStatus.Verified;
}
