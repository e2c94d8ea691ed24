namespace EdgeAgent.Health;

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
