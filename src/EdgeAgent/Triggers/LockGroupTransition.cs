namespace EdgeAgent.Triggers;

/// <summary>What a personal lock's event means for its point as a whole (group lockout: locked while any lock is on).</summary>
public enum LockGroupTransition
{
    /// <summary>The point's locked/unlocked state did not change (another lock is still on, or this is not a lock event).</summary>
    None,

    /// <summary>The first lock went on: the point is now locked.</summary>
    FirstLockOn,

    /// <summary>The last lock came off: the point is now unlocked.</summary>
    LastLockOff,
}
