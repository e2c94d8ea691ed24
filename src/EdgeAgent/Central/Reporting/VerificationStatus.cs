namespace EdgeAgent.Central.Reporting;

/// <summary>How one record fared in verification.</summary>
public enum VerificationStatus
{
    Verified,
    Failed,
    Unverified,
}
