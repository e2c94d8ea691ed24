namespace EdgeAgent.Procedure;

/// <summary>Stable codes of findings, for alert rules and dashboards.</summary>
public static class FindingCodes
{
    /// <summary>A lock came off while another is still on, before the area was cleared.</summary>
    public const string UnlockWhileLocked = "unlock-while-locked";

    /// <summary>A lock came off before the zero-energy step was reached.</summary>
    public const string UnlockBeforeZeroEnergy = "unlock-before-zero-energy";

    /// <summary>An unlock with no lock recorded on that input.</summary>
    public const string UnlockWithoutLock = "unlock-without-lock";

    /// <summary>A lock at an idle point whose procedure does not allow jobs to start by lock.</summary>
    public const string LockWithoutWorkOrder = "lock-without-work-order";

    /// <summary>A photo was taken but is not valid evidence (frozen, blank, covered), or the view changed.</summary>
    public const string BadFrame = "bad-frame";

    /// <summary>A step's photo could not be taken.</summary>
    public const string PhotoMissing = "photo-missing";

    /// <summary>A step lasted longer than its time limit.</summary>
    public const string StepTimedOut = "step-timed-out";

    /// <summary>A step was passed over.</summary>
    public const string StepSkipped = "step-skipped";

    /// <summary>A trigger that does not advance the job.</summary>
    public const string OutOfOrder = "out-of-order";

    /// <summary>A step that needs a confirmation (badge) was reached without it.</summary>
    public const string ConfirmationMissing = "confirmation-missing";

    /// <summary>The job was aborted.</summary>
    public const string Aborted = "work-order-aborted";

    /// <summary>Persisted state was lost: the point state was unreadable, or the outbox was empty, corrupt or behind its chain head.</summary>
    public const string StateLost = "state-lost";

    /// <summary>A lock input changed while the agent was not running; found at start.</summary>
    public const string InputChangedWhileDown = "input-changed-while-down";

    /// <summary>The wall clock jumped against the monotonic clock.</summary>
    public const string ClockJump = "clock-jump";

    /// <summary>The outbox database was unreadable at start and was quarantined; the device's sequence restarts.</summary>
    public const string OutboxQuarantined = "outbox-quarantined";

    /// <summary>A trigger was refused because the outbox's disk is full; nothing of it was recorded.</summary>
    public const string OutboxDiskFull = "outbox-disk-full";

    /// <summary>
    /// A step asked for frames from before its trigger but the camera keeps no pre-trigger ring, its ring is too small,
    /// or it produced fewer new frames since the point's previous trigger (an older photo is never repeated).
    /// </summary>
    public const string PreTriggerUnavailable = "pre-trigger-unavailable";

    /// <summary>
    /// A step asked for photos after its trigger at an interval, but the camera delivered no new frame in time for some
    /// of them: fewer photos, never an older or repeated one. The <c>at</c> photo was taken (else <see cref="PhotoMissing"/>).
    /// </summary>
    public const string PostTriggerShort = "post-trigger-short";

    /// <summary>
    /// A step asked for a video clip (<c>capture.clip</c>) but the camera gave none: it keeps no compressed stream (a
    /// raw-only source), held nothing of the span, or cutting failed. Carried by the point's next record.
    /// </summary>
    public const string ClipUnavailable = "clip-unavailable";
}
