namespace EdgeAgent.Health;

/// <summary>Free and total bytes of the file system holding a path (statvfs). A seam so tests can fill the disk.</summary>
public interface IDiskSpaceProbe
{
    DiskSpace Measure(string path);
}

/// <summary>Space on one file system, as the agent's user sees it (blocks reserved for root excluded).</summary>
public sealed record DiskSpace(long FreeBytes, long TotalBytes)
{
    public double FreePercent => TotalBytes <= 0 ? 0 : 100.0 * FreeBytes / TotalBytes;
}

/// <summary>statvfs through <see cref="DriveInfo"/>, which on Linux accepts any path on the file system.</summary>
public sealed class StatvfsDiskSpaceProbe : IDiskSpaceProbe
{
    public DiskSpace Measure(string path)
    {
        var existing = Path.GetFullPath(path);
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent; // the state directory may not exist yet on a fresh install
        }

        var drive = new DriveInfo(existing);
        return new DiskSpace(drive.AvailableFreeSpace, drive.TotalSize);
    }
}
