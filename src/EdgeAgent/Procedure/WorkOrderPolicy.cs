namespace EdgeAgent.Procedure;

/// <summary>How jobs of a procedure begin.</summary>
public sealed record WorkOrderPolicy
{
    /// <summary>
    /// Ways a job may start: <c>scan</c> (a work-order code), <c>badge</c>, <c>command</c>, <c>lock</c> (the first
    /// lock), <c>manual</c> (confirming the first step). A lock at an idle point when <c>lock</c> is not listed
    /// still opens a job, with a <c>lock-without-work-order</c> finding.
    /// </summary>
    public IReadOnlyList<string> StartOn { get; init; } = ["scan", "badge", "command", "manual"];

    /// <summary>Regular expression a scanned work-order code must match.</summary>
    public string CodePattern { get; init; } = "^WO-[A-Za-z0-9-]{1,40}$";

    /// <summary>Regular expression a scanned badge must match.</summary>
    public string BadgePattern { get; init; } = "^BADGE-[A-Za-z0-9-]{1,40}$";

    public static readonly IReadOnlyList<string> ValidStarts = ["scan", "badge", "command", "lock", "manual"];
}
