using EdgeAgent.Triggers;

namespace EdgeAgent.Procedure;

/// <summary>Whose personal lock it is: the input's configured holder, or the badge scanned just before the lock closed.</summary>
internal sealed partial class ProcedureTurn
{
    private string? holder;

    private void TrackHolder()
    {
        if (trigger.Kind == TriggerKind.Scan && trigger.Operator is { } badge)
        {
            State = State with { LastBadge = badge, LastBadgeAt = at };
            return;
        }

        if (trigger.Kind is not (TriggerKind.LockOn or TriggerKind.LockOff))
        {
            return;
        }

        var holders = new Dictionary<string, string>(State.LockHolders, StringComparer.Ordinal);
        if (trigger.Kind == TriggerKind.LockOn)
        {
            var badged = State.LastBadgeAt is { } scanned && scanned <= at && at - scanned <= point.BadgeWindow ? State.LastBadge : null;
            holder = trigger.Holder ?? badged;
            if (holder is not null)
            {
                holders[trigger.Input] = holder;
            }
            else
            {
                holders.Remove(trigger.Input);
            }

            // A badge binds one lock: the next one to close.
            State = badged is null ? State with { LockHolders = holders } : State with { LockHolders = holders, LastBadge = null, LastBadgeAt = null };
        }
        else
        {
            holder = trigger.Holder ?? holders.GetValueOrDefault(trigger.Input);
            holders.Remove(trigger.Input);
            State = State with { LockHolders = holders };
        }

        holder ??= LockHolder.Unknown;
    }
}
