using EdgeAgent.Central.Collector;

namespace EdgeAgent.Central.Verification;

/// <summary>One stored object and its write-once retention (null: none, it can be deleted or overwritten at any time).</summary>
public sealed record ObjectRetention(string Key, StoredRetention? Retention)
{
    public override string ToString() =>
        Retention is { } r ? $"{Key}: {r.Mode} until {r.RetainUntil.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" : $"{Key}: none";
}
