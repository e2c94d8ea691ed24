namespace EdgeAgent.Health;

/// <summary>Free and total bytes of the file system holding a path (statvfs). A seam so tests can fill the disk.</summary>
public interface IDiskSpaceProbe
{
    DiskSpace Measure(string path);
}
