namespace EdgeAgent.Triggers;

/// <summary>
/// The personal locks of one point (several locks on one hasp). The point is locked while any lock is on;
/// the first lock on and the last lock off are reported as group transitions.
/// </summary>
internal sealed class LockGroup
{
    private readonly SortedSet<string> held = new(StringComparer.Ordinal);

    public bool IsLocked => held.Count > 0;

    public IReadOnlyList<string> Held => [.. held];

    /// <summary>Records one lock's new state and says what it meant for the point.</summary>
    public LockGroupTransition Apply(string inputId, bool locked)
    {
        var wasLocked = IsLocked;
        if (locked)
        {
            held.Add(inputId);
        }
        else
        {
            held.Remove(inputId);
        }

        return (wasLocked, IsLocked) switch
        {
            (false, true) => LockGroupTransition.FirstLockOn,
            (true, false) => LockGroupTransition.LastLockOff,
            _ => LockGroupTransition.None,
        };
    }
}
