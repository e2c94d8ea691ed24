namespace EdgeAgent.Procedure;

/// <summary>Words for who holds a personal lock (<c>trigger.holder</c> of lock records).</summary>
public static class LockHolder
{
    /// <summary>No holder configured for the input and no badge scanned just before the lock closed.</summary>
    public const string Unknown = "unknown";

    /// <summary>How long before a lock closes a badge scanned at the point binds the lock to its holder, by default.</summary>
    public static readonly TimeSpan DefaultBadgeWindow = TimeSpan.FromSeconds(60);
}
