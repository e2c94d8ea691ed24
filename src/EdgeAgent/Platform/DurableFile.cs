using System.Runtime.InteropServices;

namespace EdgeAgent.Platform;

/// <summary>Crash-safe file writes: temp file (born 0600, see <see cref="StateFiles"/>), fsync, rename, fsync the directory.</summary>
public static partial class DurableFile
{
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, StateFiles.NewFile()))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Makes a rename or create in <paramref name="directory"/> durable.</summary>
    public static void SyncDirectory(string directory)
    {
        const int ORdOnly = 0, ODirectory = 0x10000, OCloexec = 0x80000;
        var fd = Open(directory, ORdOnly | ODirectory | OCloexec);
        if (fd < 0)
        {
            return; // not fatal: the data itself was fsynced
        }

        _ = Fsync(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
