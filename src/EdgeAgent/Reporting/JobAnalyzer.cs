using System.Globalization;
using EdgeAgent.Procedure;

namespace EdgeAgent.Reporting;

/// <summary>
/// Reads a job's records in chain order and lists what a reader must look at: missing steps, locks
/// removed out of order, clocks that contradict themselves, bad frames, failed verification, and whatever
/// the device flagged itself.
/// </summary>
public static class JobAnalyzer
{
    /// <summary>A frame this much older than its trigger shows the moment before, not the moment itself.</summary>
    public const double StaleFrameMs = -250;

    /// <summary>A frame this much later than its trigger may show a later moment.</summary>
    public const double LateFrameMs = 5000;

    /// <summary>Clock disagreements below this are jitter, not a wrong clock.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(1);

    public static IReadOnlyList<ReportFinding> Analyze(IReadOnlyList<ReportEntry> entries, ProcedureTemplate? template)
    {
        var findings = new List<ReportFinding>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(FindingKind kind, string text, long? sequence)
        {
            if (seen.Add(kind + "|" + text))
            {
                findings.Add(new ReportFinding(kind, text, sequence));
            }
        }

        foreach (var entry in entries)
        {
            var record = entry.Record;
            foreach (var text in record.Findings)
            {
                Add(Classify(text), text, record.Sequence);
            }

            foreach (var problem in entry.Check.Problems)
            {
                Add(FindingKind.Verification, $"record #{record.Sequence}: {problem}", record.Sequence);
            }

            if (entry.ImageProblem is not null)
            {
                Add(FindingKind.BadFrame, $"record #{record.Sequence} ({record.Frame.CameraId}): {entry.ImageProblem}", record.Sequence);
            }

            if (Mistimed(record.Frame) is { } offset)
            {
                var when = offset < 0 ? "before" : "after";
                Add(FindingKind.BadFrame, Invariant($"record #{record.Sequence} ({record.Frame.CameraId}): {(record.Frame.Role is { } role ? role.ToString().ToLowerInvariant() + " photo produced" : "frame taken")} {Math.Abs(offset)} ms {when} the trigger"), record.Sequence);
            }

            if (record.CreatedAt < record.Trigger.EdgeTime - ClockTolerance)
            {
                Add(FindingKind.UnsynchronisedClock, Invariant($"record #{record.Sequence} was created {(record.Trigger.EdgeTime - record.CreatedAt).TotalSeconds:0.#} s before its own trigger"), record.Sequence);
            }
        }

        // One finding per kind of clock doubt, naming the records, rather than one per record.
        foreach (var clock in entries.Where(e => e.ClockProblem is not null).GroupBy(e => e.ClockProblem!, StringComparer.Ordinal))
        {
            var records = string.Join(", ", clock.Select(e => "#" + e.Record.Sequence.ToString(CultureInfo.InvariantCulture)));
            Add(FindingKind.UnsynchronisedClock, $"{(clock.Count() == 1 ? "record" : "records")} {records}: {clock.Key}", clock.First().Record.Sequence);
        }

        for (var i = 1; i < entries.Count; i++)
        {
            var (before, after) = (entries[i - 1].Record, entries[i].Record);
            if (after.CreatedAt < before.CreatedAt - ClockTolerance)
            {
                Add(FindingKind.UnsynchronisedClock, Invariant($"clock went back {(before.CreatedAt - after.CreatedAt).TotalSeconds:0.#} s between record #{before.Sequence} and #{after.Sequence}"), after.Sequence);
            }

            // A late photo (the camera returned after the job moved on) belongs to its earlier step by design.
            if (after.Step.Advanced && before.Step.Index > after.Step.Index && after.Frame.Late is null)
            {
                Add(FindingKind.OutOfOrder, $"step '{after.Step.Id}' (record #{after.Sequence}) came after the later step '{before.Step.Id}'", after.Sequence);
            }
        }

        AnalyzeSteps(entries, template, Add);
        return findings;
    }

    private static void AnalyzeSteps(IReadOnlyList<ReportEntry> entries, ProcedureTemplate? template, Action<FindingKind, string, long?> add)
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

            var name = template is null ? Invariant($"#{index + 1}") : $"'{template.Steps[index].Id}' ({template.Steps[index].Name()})";
            add(FindingKind.MissingStep, index < last ? $"step {name} has no photo" : $"job not finished: step {name} not reached", null);
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
                add(FindingKind.OutOfOrder, $"lock removed (record #{record.Sequence}) before step '{template.Steps[unlockStep - 1].Id}'", record.Sequence);
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
    private static double? Mistimed(Evidence.FrameStamp frame)
    {
        if (frame.Role is { } role)
        {
            return role == Capture.FrameRole.Pre || frame.Late is not null || frame.OffsetMs is not { } offset || offset is >= 0 and <= LateFrameMs ? null : offset;
        }

        return frame.AgeMs is { } age && (age < StaleFrameMs || age > LateFrameMs) ? age : null;
    }

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
    };

    private static FindingKind Classify(string text) =>
        text.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon && Codes.TryGetValue(text[..colon], out var kind) ? kind
        : text.Contains("skipped", StringComparison.OrdinalIgnoreCase) ? FindingKind.MissingStep
        : text.Contains("unlock", StringComparison.OrdinalIgnoreCase) || text.Contains("does not advance", StringComparison.Ordinal) || text.Contains("before the first step", StringComparison.Ordinal) ? FindingKind.OutOfOrder
        : text.Contains("clock", StringComparison.OrdinalIgnoreCase) ? FindingKind.UnsynchronisedClock
        : text.Contains("photo", StringComparison.OrdinalIgnoreCase) || text.Contains("frame", StringComparison.OrdinalIgnoreCase) || text.Contains("camera", StringComparison.OrdinalIgnoreCase) ? FindingKind.BadFrame
        : FindingKind.Device;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
