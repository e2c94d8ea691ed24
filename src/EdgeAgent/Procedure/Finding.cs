namespace EdgeAgent.Procedure;

/// <summary>An unsafe or out-of-order event at a point. Findings are stamped into evidence records, raised in health and published as alerts.</summary>
/// <param name="Code">One of <see cref="FindingCodes"/>.</param>
public sealed record Finding(string Code, string Message, string PointId, string? WorkOrderId, string? StepId, DateTimeOffset At)
{
    /// <summary>How the finding appears in a record's <c>findings</c> list: <c>code: message</c>.</summary>
    public override string ToString() => $"{Code}: {Message}";
}
