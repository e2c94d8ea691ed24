namespace EdgeAgent.Central.Reporting;

/// <summary>What verification says about one stored record, as the report shows it.</summary>
/// <param name="Checks">The checks that were run (e.g. "image SHA-256"), so a reader knows what "verified" covers.</param>
/// <param name="Problems">Why the record failed; empty when it passed.</param>
public sealed record RecordCheck(VerificationStatus Status, IReadOnlyList<string> Checks, IReadOnlyList<string> Problems)
{
    public static RecordCheck Passed(IReadOnlyList<string> checks) => new(VerificationStatus.Verified, checks, []);

    public static RecordCheck Failed(IReadOnlyList<string> checks, IReadOnlyList<string> problems) => new(VerificationStatus.Failed, checks, problems);
}
