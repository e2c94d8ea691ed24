namespace EdgeAgent.Central.Reporting;

/// <summary>Something a reader of the job must look at.</summary>
/// <param name="Sequence">The record it concerns, when it concerns one.</param>
public sealed record ReportFinding(FindingKind Kind, ReportMessage Message, long? Sequence = null)
{
    /// <summary>The finding in English.</summary>
    public string Text => Message.Text;
}
