using System.Text.RegularExpressions;
using EdgeAgent.Configuration;

namespace EdgeAgent.Procedure;

/// <summary>The rules a procedure template must follow beyond its JSON shape. Each error names the JSON path and what would be valid.</summary>
public static class ProcedureTemplateValidator
{
    public static readonly IReadOnlyList<string> RequiredLanguages = ["en", "zh"];

    public static IReadOnlyList<string> Validate(ProcedureTemplate template)
    {
        var errors = new List<string>();
        if (!Regex.IsMatch(template.Id ?? "", Identifiers.Pattern))
        {
            errors.Add($"$.id: '{template.Id}' {Identifiers.Message}");
        }

        if (template.Version < 1)
        {
            errors.Add("$.version: must be 1 or more");
        }

        Names(errors, "$.names", template.Names);
        foreach (var (start, i) in template.WorkOrder.StartOn.Select((s, i) => (s, i)))
        {
            if (!WorkOrderPolicy.ValidStarts.Contains(start))
            {
                errors.Add($"$.workOrder.startOn[{i}]: '{start}' is not one of {string.Join(", ", WorkOrderPolicy.ValidStarts)}");
            }
        }

        Pattern(errors, "$.workOrder.codePattern", template.WorkOrder.CodePattern);
        Pattern(errors, "$.workOrder.badgePattern", template.WorkOrder.BadgePattern);
        if (template.Steps is null || template.Steps.Count == 0)
        {
            errors.Add("$.steps: at least one step is required");
            return errors;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < template.Steps.Count; i++)
        {
            Step(errors, $"$.steps[{i}]", template.Steps[i], i, seen);
        }

        return errors;
    }

    private static void Step(List<string> errors, string path, ProcedureStep step, int index, HashSet<string> seen)
    {
        if (!Regex.IsMatch(step.Id ?? "", Identifiers.Pattern))
        {
            errors.Add($"{path}.id: '{step.Id}' {Identifiers.Message}");
        }
        else if (!seen.Add(step.Id!))
        {
            errors.Add($"{path}.id: '{step.Id}' appears twice; step ids must be unique");
        }

        Names(errors, $"{path}.names", step.Names);
        if (step.AdvanceOn == StepAdvance.Scan)
        {
            if (step.ScanPattern is null)
            {
                errors.Add($"{path}.scanPattern: required when advanceOn is \"scan\"; a .NET regular expression the scanned code must match");
            }
            else
            {
                Pattern(errors, $"{path}.scanPattern", step.ScanPattern);
            }
        }

        if (step.AdvanceOn == StepAdvance.Timer && (step.AfterSeconds is null or < 1 || index == 0))
        {
            errors.Add(index == 0
                ? $"{path}.advanceOn: \"timer\" cannot start a job; the first step needs another trigger"
                : $"{path}.afterSeconds: required when advanceOn is \"timer\"; whole seconds, 1 or more");
        }

        if (step.Capture.Photos is < 1 or > 20)
        {
            errors.Add($"{path}.capture.photos: {step.Capture.Photos} is out of range; 1 to 20 photos per camera");
        }

        if (step.Capture.PreFrames is < 0 or > 100 || step.Capture.PostFrames is < 0 or > 100)
        {
            errors.Add($"{path}.capture: preFrames and postFrames must be 0 to 100");
        }

        if (step.Capture.IntervalMs is < 50 or > 60_000)
        {
            errors.Add($"{path}.capture.intervalMs: {step.Capture.IntervalMs} is out of range; 50 to 60000 ms between post-trigger frames");
        }

        if (step.Capture.SettleMs is < 0 or > 60_000)
        {
            errors.Add($"{path}.capture.settleMs: {step.Capture.SettleMs} is out of range; 0 to 60000 ms after the edge before the at photo");
        }

        if (step.Capture.Clip is { } clip && (clip.PreSeconds is < 0 or > StepClip.MaxSeconds || clip.PostSeconds is < 0 or > StepClip.MaxSeconds || double.IsNaN(clip.PreSeconds) || double.IsNaN(clip.PostSeconds) || clip.PreSeconds + clip.PostSeconds <= 0))
        {
            errors.Add($"{path}.capture.clip: preSeconds {clip.PreSeconds} and postSeconds {clip.PostSeconds} are out of range; each 0 to {StepClip.MaxSeconds} seconds, together more than 0");
        }

        foreach (var (confirm, i) in step.Confirm.Select((c, i) => (c, i)))
        {
            if (confirm != "badge")
            {
                errors.Add($"{path}.confirm[{i}]: '{confirm}' is not a known confirmation; valid: badge");
            }
        }

        if (step.TimeLimitSeconds is < 1)
        {
            errors.Add($"{path}.timeLimitSeconds: must be 1 or more seconds (omit it for no limit)");
        }
    }

    private static void Names(List<string> errors, string path, Dictionary<string, string> names)
    {
        foreach (var language in RequiredLanguages)
        {
            if (string.IsNullOrWhiteSpace(names.GetValueOrDefault(language)))
            {
                errors.Add($"{path}.{language}: required; every name needs at least {string.Join(" and ", RequiredLanguages)}");
            }
        }
    }

    private static void Pattern(List<string> errors, string path, string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{path}: '{pattern}' is not a valid regular expression: {ex.Message}");
        }
    }
}
