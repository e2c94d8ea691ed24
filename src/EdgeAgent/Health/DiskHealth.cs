namespace EdgeAgent.Health;

public sealed record DiskHealth(string Path, long FreeBytes, long TotalBytes, double FreePercent);
