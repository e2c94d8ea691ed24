using EdgeAgent.Triggers;

namespace EdgeAgent.Scanning;

/// <summary>One line as the router saw it: a classified result, or the reason it was rejected.</summary>
public sealed record ScanRecord(DateTimeOffset At, string ScannerId, ScanResult? Result, string? Rejection);
