namespace EdgeAgent.Outbox;

/// <summary>
/// The outbox's own view of its health: disk full, evidence quota exceeded, state lost at start-up. The health
/// model reads <see cref="State"/>; <see cref="Changed"/> lets it raise an alert the moment it happens. Disk full
/// and the quota are separate facts: a receipt that brings the evidence under its quota does not make a full disk ok.
/// </summary>
public sealed class OutboxCondition
{
    private readonly Lock sync = new();
    private string? diskFull;
    private string? quotaExceeded;

    public OutboxState State { get; private set; } = OutboxState.Ok;

    public string? Detail { get; private set; }

    public long EvidenceBytes { get; private set; }

    /// <summary>Triggers refused for lack of disk space since start.</summary>
    public long Refused { get; private set; }

    /// <summary>Raised on every state change, with the new state. A failing subscriber never fails the outbox.</summary>
    public event EventHandler<OutboxState>? Changed;

    /// <summary>Where an unreadable outbox was moved at start-up, or null. Its undelivered records were not sent.</summary>
    public string? QuarantinedFile { get; private set; }

    /// <summary>Why the outbox was quarantined, for health and the finding on the next record.</summary>
    public string? QuarantineDetail { get; private set; }

    /// <summary>
    /// Set when the outbox at start-up was behind the chain head (emptied, corrupt, rolled back): records up to
    /// <see cref="StateLoss.To"/> may never reach the collector. The next record and health say so as <c>state-lost</c>.
    /// </summary>
    public StateLoss? StateLost { get; private set; }

    internal void ReportQuarantined(string file, string reason, long continuesAt)
    {
        QuarantinedFile = file;
        QuarantineDetail = continuesAt <= 1
            ? $"unreadable outbox ({reason}) moved to {file}; its undelivered records were not sent and the sequence restarts at 1"
            : $"unreadable outbox ({reason}) moved to {file}; its undelivered records were not sent; the sequence continues at {continuesAt}";
    }

    internal void ReportStateLost(StateLoss loss) => StateLost = loss;

    /// <summary>The chain head could not be written (its rollback protection is weakened), or null.</summary>
    public string? HeadProblem { get; private set; }

    internal void ReportHeadUnwritable(string reason) => HeadProblem = $"chain head not written ({reason}); a rolled-back outbox might go unnoticed";

    internal void ReportDiskFull(string detail)
    {
        lock (sync)
        {
            Refused++;
            diskFull = $"disk full: {detail}";
        }

        Update();
    }

    /// <summary>The disk has no room for a record, found by a check rather than a refused trigger.</summary>
    internal void ReportNoRoom(string detail)
    {
        lock (sync)
        {
            diskFull = $"disk full: outbox disk full: no room for the next record: {detail}";
        }

        Update();
    }

    internal void ReportSpaceBack()
    {
        lock (sync)
        {
            if (diskFull is null)
            {
                return;
            }

            diskFull = null;
        }

        Update();
    }

    internal void ReportEvidenceBytes(long bytes, long quota)
    {
        lock (sync)
        {
            EvidenceBytes = bytes;
            quotaExceeded = bytes > quota ? $"{bytes} evidence bytes waiting for receipts exceed the {quota}-byte quota; nothing is dropped" : null;
        }

        Update();
    }

    private void Update()
    {
        bool changed;
        OutboxState state;
        lock (sync)
        {
            state = diskFull is not null ? OutboxState.DiskFull : quotaExceeded is not null ? OutboxState.QuotaExceeded : OutboxState.Ok;
            changed = State != state;
            State = state;
            Detail = diskFull ?? quotaExceeded;
        }

        if (!changed)
        {
            return;
        }

        foreach (var handler in Changed?.GetInvocationList().Cast<EventHandler<OutboxState>>() ?? [])
        {
            try
            {
                handler(this, state);
            }
            catch (Exception)
            {
                // An alert or telemetry subscriber must never turn a clear outbox state into an error.
            }
        }
    }
}

/// <summary>Records that may be missing after the outbox lost state: sequences <see cref="From"/> to <see cref="To"/>.</summary>
/// <param name="From">The lowest sequence that may be missing (1 when the lost file could not be read at all).</param>
/// <param name="To">The highest sequence ever used, from the chain head.</param>
/// <param name="Reason">What was found at start-up.</param>
/// <param name="QuarantinedFile">Where the damaged outbox was kept.</param>
public sealed record StateLoss(long From, long To, string Reason, string QuarantinedFile)
{
    public string Message =>
        $"outbox {Reason}; records #{From}–#{To} not yet delivered may be missing (the collector's gap report shows which); the damaged outbox is kept at {QuarantinedFile} and the sequence continues at #{To + 1}";
}
