using System.Runtime.InteropServices;

namespace EdgeAgent.Hosting;

/// <summary>
/// Tunes glibc's malloc for a daemon that decodes a 1080p picture now and then (docs/design-notes.md, Cameras: memory
/// budget). By default glibc gives each thread that allocates its own arena (up to 8 per core) and, after the first large
/// block is freed, raises its mmap threshold to that block's size, so later frame-sized blocks (a 3 MiB YUV plane, a 6 MiB
/// BGR picture) come from the arenas and stay resident after they are freed: measured with 4 compressed cameras, the
/// arenas held up to 187 MiB at the peak and 59–175 MiB between triggers. With two arenas and the mmap threshold fixed
/// at its 128 KiB start value, a large block goes back to the system when it is freed. Runs first in <c>Program</c>: a
/// thread that allocated before it keeps an arena of its own; a libc without <c>mallopt</c> (musl) is left as it is.
/// </summary>
public static partial class NativeHeap
{
    /// <summary>Blocks at least this large are mapped on their own and unmapped when freed.</summary>
    public const int MmapThresholdBytes = 128 * 1024;

    /// <summary>Free memory at the top of an arena beyond this goes back to the system.</summary>
    public const int TrimThresholdBytes = 1024 * 1024;

    /// <summary>malloc arenas; glibc's default is 8 per core.</summary>
    public const int Arenas = 2;

    private const int MTrimThreshold = -1; // mallopt parameters from glibc's <malloc.h>
    private const int MMmapThreshold = -3;
    private const int MArenaMax = -8;

    private static int tuned;

    /// <summary>Applies the settings once; returns whether glibc accepted all three.</summary>
    public static bool Tune()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        if (Interlocked.Exchange(ref tuned, 1) == 1)
        {
            return true;
        }

        try
        {
            return MallOpt(MArenaMax, Arenas) == 1 & MallOpt(MMmapThreshold, MmapThresholdBytes) == 1 & MallOpt(MTrimThreshold, TrimThresholdBytes) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
