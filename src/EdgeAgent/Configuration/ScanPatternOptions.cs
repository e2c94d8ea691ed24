namespace EdgeAgent.Configuration;

/// <summary>
/// Regular expressions (.NET syntax, matched against the whole scanned line) that sort a scan into a category.
/// A named group <c>value</c> picks the part that is kept (badge number, step id); without it the whole line is kept.
/// Checked in the order Badge, LockTag, WorkOrder, StepConfirmation; the first match wins. An empty pattern is off.
/// </summary>
public sealed class ScanPatternOptions
{
    public string Badge { get; set; } = "^BADGE[:-](?<value>[A-Za-z0-9._-]{1,64})$";

    public string LockTag { get; set; } = "^LOCK[:-](?<value>[A-Za-z0-9._-]{1,64})$";

    public string WorkOrder { get; set; } = "^(?<value>WO-[A-Za-z0-9._-]{1,64})$";

    public string StepConfirmation { get; set; } = "^STEP[:-](?<value>[A-Za-z0-9._-]{1,64})$";
}
