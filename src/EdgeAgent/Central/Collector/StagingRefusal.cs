namespace EdgeAgent.Central.Collector;

/// <summary>Why a chunk was not staged. <paramref name="Permanent"/>: it never can be (dead-letter it); else over a quota.</summary>
public sealed record StagingRefusal(string Reason, bool Permanent);
