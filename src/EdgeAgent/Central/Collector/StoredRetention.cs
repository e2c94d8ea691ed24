namespace EdgeAgent.Central.Collector;

/// <summary>An object's write-once retention: its Object Lock mode (COMPLIANCE, GOVERNANCE) and the date before which it cannot be deleted or overwritten.</summary>
public sealed record StoredRetention(string Mode, DateTimeOffset RetainUntil);
