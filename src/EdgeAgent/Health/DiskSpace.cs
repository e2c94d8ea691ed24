namespace EdgeAgent.Health;

/// <summary>Space on one file system, as the agent's user sees it (blocks reserved for root excluded).</summary>
public sealed record DiskSpace(long FreeBytes, long TotalBytes)
{
    public double FreePercent => TotalBytes <= 0 ? 0 : 100.0 * FreeBytes / TotalBytes;
}
