namespace EdgeAgent.Triggers;

/// <summary>The words records and logs use for a lock state.</summary>
internal static class LockWords
{
    public static string State(bool locked) => locked ? "locked" : "unlocked";
}
