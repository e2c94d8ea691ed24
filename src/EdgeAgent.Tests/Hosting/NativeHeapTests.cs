using System.Globalization;
using System.Runtime.InteropServices;

namespace EdgeAgent.Tests.Hosting;

/// <summary>
/// The malloc settings the daemon makes at start-up are in force, judged by the kernel's view of the process
/// (<c>/proc/self/maps</c>), not by the agent's word: a frame-sized block is a mapping of its own while held and is gone
/// once freed, so a decoded picture does not stay resident in a malloc arena after its last use.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NativeHeapTests
{
    private const int Frame = 3 * 1024 * 1024; // a 1080p YUV 4:2:0 picture

    [Fact]
    public void A_frame_sized_block_is_its_own_mapping_and_is_unmapped_when_freed()
    {
        Assert.True(NativeHeap.Tune(), "glibc refused mallopt");
        // A block that is too large for the arenas was itself freed once before: by default glibc would now raise its
        // mmap threshold past this size and serve the next one from an arena, where it stays resident after free.
        Marshal.FreeHGlobal(Marshal.AllocHGlobal(8 * 1024 * 1024)); // malloc and free on Unix

        var block = Marshal.AllocHGlobal(Frame);
        var mapping = block - (2 * IntPtr.Size); // glibc's chunk header sits at the start of a block's own mapping
        try
        {
            Assert.True(MappingAt(mapping) >= Frame, $"the block at 0x{block:x} is not a mapping of its own (served from an arena)");
        }
        finally
        {
            Marshal.FreeHGlobal(block);
        }

        Assert.True(MappingAt(mapping) < Frame, "the freed block is still mapped");
    }

    /// <summary>The size of the mapping that starts exactly at <paramref name="start"/>, or 0.</summary>
    private static long MappingAt(nint start)
    {
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var range = line[..line.IndexOf(' ', StringComparison.Ordinal)].Split('-');
            if (long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == start)
            {
                return long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) - start;
            }
        }

        return 0;
    }
}
