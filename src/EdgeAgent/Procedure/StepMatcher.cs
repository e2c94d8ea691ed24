using System.Text.RegularExpressions;
using EdgeAgent.Triggers;

namespace EdgeAgent.Procedure;

/// <summary>Which step, if any, a trigger moves a job into.</summary>
internal static class StepMatcher
{
    /// <summary>The index of the step <paramref name="trigger"/> moves the job into from <paramref name="reached"/>, or -1.</summary>
    public static int FindTarget(ProcedureTemplate template, int reached, TriggerEvent trigger, int locksOn)
    {
        if (trigger.StepId is not null && trigger.Kind is TriggerKind.Manual or TriggerKind.Command)
        {
            for (var i = reached + 1; i < template.Steps.Count; i++)
            {
                if (template.Steps[i].Id == trigger.StepId)
                {
                    return i;
                }
            }

            return -1;
        }

        // Locks are physical facts: a lock reaches its step even when steps before it were passed over.
        if (trigger.Kind == TriggerKind.LockOn || (trigger.Kind == TriggerKind.LockOff && locksOn == 0))
        {
            var wanted = trigger.Kind == TriggerKind.LockOn ? StepAdvance.LockOn : StepAdvance.LastLockOff;
            for (var i = reached + 1; i < template.Steps.Count; i++)
            {
                if (template.Steps[i].AdvanceOn == wanted)
                {
                    return i;
                }
            }

            return -1;
        }

        var next = reached + 1;
        if (next >= template.Steps.Count)
        {
            return -1;
        }

        var step = template.Steps[next];
        return step.AdvanceOn switch
        {
            StepAdvance.Manual => trigger.Kind is TriggerKind.Manual or TriggerKind.Command ? next : -1,
            StepAdvance.Command => trigger.Kind == TriggerKind.Command ? next : -1,
            StepAdvance.Scan => trigger.Kind == TriggerKind.Scan && trigger.Code is not null && Matches(step.ScanPattern!, trigger.Code) ? next : -1,
            StepAdvance.Timer => trigger.Kind == TriggerKind.Timer && trigger.Input == step.Id ? next : -1,
            _ => -1,
        };
    }

    public static bool Matches(string pattern, string code) =>
        Regex.IsMatch(code, pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
}
