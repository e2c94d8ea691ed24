namespace EdgeAgent.Health;

public sealed record OutboxHealth(long Depth, long Bytes, DateTimeOffset? Oldest, double? OldestAgeSeconds);
