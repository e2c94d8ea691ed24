using System.Runtime.InteropServices;

namespace EdgeAgent.Platform;

/// <summary>What a path names, without following a final symlink (statx, whose layout is the same on every Linux architecture).</summary>
public static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: mask, blksize (u32), attributes (u64), nlink, uid, gid (u32), then mode (u16)
    private const int TypeMask = 0xF000;
    private const int Socket = 0xC000;

    /// <summary>True when <paramref name="path"/> exists and is something other than a Unix socket (a regular file, directory, link...).</summary>
    public static bool IsSomethingOtherThanASocket(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path) && !IsLink(path))
        {
            return false;
        }

        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            return true; // exists but cannot be examined: never delete what we cannot identify
        }

        return (BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask) != Socket;
    }

    private static bool IsLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);
}
