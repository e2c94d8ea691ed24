namespace EdgeAgent.Procedure;

/// <summary>
/// The finding codes that mean a person may have been at risk or evidence may be missing. While one is recent
/// (<see cref="RecentWindow"/>) health is at least <c>degraded</c>; every finding, unsafe or not, is published as an alert.
/// </summary>
public static class UnsafeFindings
{
    /// <summary>How long an unsafe finding keeps health degraded.</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromHours(1);

    public static IReadOnlySet<string> Codes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        FindingCodes.UnlockWhileLocked,
        FindingCodes.UnlockBeforeZeroEnergy,
        FindingCodes.LockWithoutWorkOrder,
        FindingCodes.PhotoMissing,
        FindingCodes.StepTimedOut,
        FindingCodes.BadFrame,
        FindingCodes.ClockJump,
        FindingCodes.OutboxQuarantined,
        FindingCodes.InputChangedWhileDown,
        FindingCodes.StateLost,
    };

    public static bool IsUnsafe(string code) => Codes.Contains(code);
}
