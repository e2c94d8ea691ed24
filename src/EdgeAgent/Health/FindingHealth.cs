namespace EdgeAgent.Health;

public sealed record FindingHealth(string Code, string Point, string? WorkOrder, string? Step, DateTimeOffset At, string Message, bool Unsafe);
