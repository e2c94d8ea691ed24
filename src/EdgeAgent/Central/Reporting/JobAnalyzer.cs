using System.Globalization;
using EdgeAgent.Procedure;

namespace EdgeAgent.Central.Reporting;

/// <summary>
/// Reads a job's records in chain order and lists what a reader must look at: missing steps, locks
/// removed out of order, clocks that contradict themselves, bad frames, failed verification, and whatever
/// the device flagged itself.
/// </summary>
public static class JobAnalyzer
{
    /// <summary>Clock disagreements below this are jitter, not a wrong clock.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(1);

    public static IReadOnlyList<ReportFinding> Analyze(IReadOnlyList<ReportEntry> entries, ProcedureTemplate? template)
    {
        var findings = new List<ReportFinding>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(FindingKind kind, ReportMessage message, long? sequence)
        {
            if (seen.Add(kind + "|" + message.Text))
            {
                findings.Add(new ReportFinding(kind, message, sequence));
            }
        }

        foreach (var entry in entries)
        {
            var record = entry.Record;
            foreach (var text in record.Findings)
            {
                Add(Classify(text), VerifierText.DeviceFinding(text), record.Sequence);
            }

            foreach (var problem in entry.Check.Problems)
            {
                Add(FindingKind.Verification, ReportMessage.Of("finding.record-problem", ("sequence", record.Sequence), ("problem", VerifierText.Problem(problem))), record.Sequence);
            }

            // A photo is bad for what it shows (or fails to), never for when it was taken: pre-trigger photos are asked for.
            if (entry.ImageProblem is { } imageProblem)
            {
                Add(FindingKind.BadFrame, ReportMessage.Of("finding.image", ("sequence", record.Sequence), ("camera", record.Frame.CameraId), ("problem", imageProblem)), record.Sequence);
            }

            // A /2 record that calls a frame produced before the edge its at or post photo contradicts itself.
            if (record.Frame.Role is { } role && role != Protocol.FrameRole.Pre && record.Frame.Late is null && record.Frame.OffsetMs is < 0 and { } early)
            {
                Add(FindingKind.BadFrame, ReportMessage.Of("finding.before-trigger", ("sequence", record.Sequence), ("camera", record.Frame.CameraId), ("role", role.ToString().ToLowerInvariant()), ("ms", Math.Round(-early))), record.Sequence);
            }

            if (record.CreatedAt < record.Trigger.EdgeTime - ClockTolerance)
            {
                Add(FindingKind.UnsynchronisedClock, ReportMessage.Of("finding.created-before-trigger", ("sequence", record.Sequence), ("seconds", Seconds(record.Trigger.EdgeTime - record.CreatedAt))), record.Sequence);
            }
        }

        // One finding per kind of clock doubt, naming the records, rather than one per record.
        foreach (var clock in entries.Where(e => e.ClockProblem is not null).GroupBy(e => e.ClockProblem!.Text, StringComparer.Ordinal))
        {
            var records = string.Join(", ", clock.Select(e => "#" + e.Record.Sequence.ToString(CultureInfo.InvariantCulture)));
            Add(FindingKind.UnsynchronisedClock, ReportMessage.Of(clock.Count() == 1 ? "finding.clock-record" : "finding.clock-records", ("records", records), ("problem", clock.First().ClockProblem!)), clock.First().Record.Sequence);
        }

        for (var i = 1; i < entries.Count; i++)
        {
            var (before, after) = (entries[i - 1].Record, entries[i].Record);
            if (after.CreatedAt < before.CreatedAt - ClockTolerance)
            {
                Add(FindingKind.UnsynchronisedClock, ReportMessage.Of("finding.clock-back", ("seconds", Seconds(before.CreatedAt - after.CreatedAt)), ("before", before.Sequence), ("after", after.Sequence)), after.Sequence);
            }

            // A late photo (the camera returned after the job moved on) belongs to its earlier step by design.
            // So does a clip, recorded once its span has passed.
            if (after.Step.Advanced && before.Step.Index > after.Step.Index && after.Frame.Late is null && after.Clip is null)
            {
                Add(FindingKind.OutOfOrder, ReportMessage.Of("finding.step-after-later", ("step", after.Step.Id), ("sequence", after.Sequence), ("later", before.Step.Id)), after.Sequence);
            }
        }

        AnalyzeSteps(entries, template, Add);
        return findings;
    }

    private static void AnalyzeSteps(IReadOnlyList<ReportEntry> entries, ProcedureTemplate? template, Action<FindingKind, ReportMessage, long?> add)
    {
        var reached = entries.Where(e => e.Record.Step.Advanced).Select(e => e.Record.Step).ToList();
        var last = reached.Count > 0 ? reached.Max(s => s.Index) : -1;
        var photographed = reached.Select(s => s.Index).ToHashSet();
        var count = template?.Steps.Count ?? last + 1;
        for (var index = 0; index < count; index++)
        {
            if (photographed.Contains(index))
            {
                continue;
            }

            object name = template is null ? Invariant($"#{index + 1}") : ReportMessage.Of("finding.step-ref", ("id", template.Steps[index].Id), ("name", (IReadOnlyDictionary<string, string>)template.Steps[index].Names));
            add(FindingKind.MissingStep, ReportMessage.Of(index < last ? "finding.step-no-photo" : "finding.step-not-reached", ("step", name)), null);
        }

        if (template is null)
        {
            return;
        }

        // A lock may only come off once the job is past the step before the lock-removal step.
        var unlockStep = template.Steps.ToList().FindIndex(s => s.AdvanceOn == StepAdvance.LastLockOff);
        var highest = -1;
        foreach (var entry in entries)
        {
            var record = entry.Record;
            if (record.Trigger.Kind == "LockOff" && unlockStep > 0 && highest < unlockStep - 1)
            {
                add(FindingKind.OutOfOrder, ReportMessage.Of("finding.unlock-early", ("sequence", record.Sequence), ("step", template.Steps[unlockStep - 1].Id)), record.Sequence);
            }

            if (record.Step.Advanced)
            {
                highest = Math.Max(highest, record.Step.Index);
            }
        }
    }

    /// <summary>
    /// The offset of a frame that does not show its trigger's moment, or null. Schema /2: a <c>pre</c> photo is
    /// before the trigger by design, and a <c>late</c> photo carries its own photo-missing finding; an <c>at</c> or
    /// <c>post</c> photo produced before the edge, or long after it, is wrong. Schema /1: arrival age out of range.
    /// </summary>

    /// <summary>Finding codes devices put before a colon (<c>code: message</c>), by the kind a reader looks for.</summary>
    private static readonly Dictionary<string, FindingKind> Codes = new(StringComparer.Ordinal)
    {
        ["unlock-while-locked"] = FindingKind.OutOfOrder,
        ["unlock-before-zero-energy"] = FindingKind.OutOfOrder,
        ["unlock-without-lock"] = FindingKind.OutOfOrder,
        ["lock-without-work-order"] = FindingKind.OutOfOrder,
        ["out-of-order"] = FindingKind.OutOfOrder,
        ["input-changed-while-down"] = FindingKind.OutOfOrder,
        ["step-skipped"] = FindingKind.MissingStep,
        ["confirmation-missing"] = FindingKind.MissingStep,
        ["photo-missing"] = FindingKind.BadFrame,
        ["bad-frame"] = FindingKind.BadFrame,
        ["clock-jump"] = FindingKind.UnsynchronisedClock,
        ["clip-unavailable"] = FindingKind.BadFrame,
    };

    private static FindingKind Classify(string text) =>
        text.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon && Codes.TryGetValue(text[..colon], out var kind) ? kind
        : text.Contains("skipped", StringComparison.OrdinalIgnoreCase) ? FindingKind.MissingStep
        : text.Contains("unlock", StringComparison.OrdinalIgnoreCase) || text.Contains("does not advance", StringComparison.Ordinal) || text.Contains("before the first step", StringComparison.Ordinal) ? FindingKind.OutOfOrder
        : text.Contains("clock", StringComparison.OrdinalIgnoreCase) ? FindingKind.UnsynchronisedClock
        : text.Contains("photo", StringComparison.OrdinalIgnoreCase) || text.Contains("frame", StringComparison.OrdinalIgnoreCase) || text.Contains("camera", StringComparison.OrdinalIgnoreCase) ? FindingKind.BadFrame
        : FindingKind.Device;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
