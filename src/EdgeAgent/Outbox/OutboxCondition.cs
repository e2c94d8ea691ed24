namespace EdgeAgent.Outbox;

/// <summary>
/// The outbox's own view of its health: disk full, evidence quota exceeded. The health model reads
/// <see cref="State"/>; <see cref="Changed"/> lets it raise an alert the moment it happens.
/// </summary>
public sealed class OutboxCondition
{
    private readonly Lock sync = new();

    public OutboxState State { get; private set; } = OutboxState.Ok;

    public string? Detail { get; private set; }

    public long EvidenceBytes { get; private set; }

    /// <summary>Raised on every state change, with the new state.</summary>
    public event EventHandler<OutboxState>? Changed;

    internal void ReportDiskFull(Exception ex) => Set(OutboxState.DiskFull, $"disk full: {ex.Message}");

    internal void ReportEvidenceBytes(long bytes, long quota)
    {
        EvidenceBytes = bytes;
        if (bytes > quota)
        {
            Set(OutboxState.QuotaExceeded, $"{bytes} evidence bytes waiting for receipts exceed the {quota}-byte quota; nothing is dropped");
        }
        else
        {
            Set(OutboxState.Ok, null);
        }
    }

    private void Set(OutboxState state, string? detail)
    {
        bool changed;
        lock (sync)
        {
            changed = State != state;
            State = state;
            Detail = detail;
        }

        if (changed)
        {
            Changed?.Invoke(this, state);
        }
    }
}
