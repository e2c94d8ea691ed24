namespace EdgeAgent.Central.Verification;

/// <summary>One work order as <c>verify</c> saw it, for the auditor's overview.</summary>
/// <param name="Complete">Every required step it should have has its photos.</param>
/// <param name="Findings">Distinct findings stamped into its records.</param>
public sealed record JobSummary(string DeviceId, string WorkOrderId, string Procedure, string Status, int StepsPresent, int Steps, int Records, bool Complete, int Findings)
{
    public override string ToString() =>
        $"{DeviceId}/{WorkOrderId} {Procedure} {Status}: {StepsPresent}/{Steps} steps, {Records} records, {Findings} findings{(Complete ? "" : ", INCOMPLETE")}";
}
