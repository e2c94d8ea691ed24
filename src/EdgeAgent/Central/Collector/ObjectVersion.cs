namespace EdgeAgent.Central.Collector;

/// <summary>One version of a key in a versioned store; <paramref name="ETag"/> identifies its bytes (null for a delete marker).</summary>
public sealed record ObjectVersion(string VersionId, DateTimeOffset LastModified, bool DeleteMarker, string? ETag = null);
