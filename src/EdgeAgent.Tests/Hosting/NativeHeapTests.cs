using System.Runtime.InteropServices;

namespace EdgeAgent.Tests.Hosting;

/// <summary>
/// The malloc settings the daemon makes at start-up are in force, judged by glibc's own chunk header, not by the
/// agent's word: a frame-sized block is a mapping of its own, which free() gives back to the kernel (munmap), so a
/// decoded picture does not stay resident in a malloc arena after its last use.
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
        try
        {
            // glibc's chunk header, just before the block, holds its size with flag bits; IS_MMAPPED (0x2) marks a block
            // that has its own mapping and that free() gives back with munmap. (Reading /proc/self/maps instead is
            // unreliable: the kernel merges a new mapping with an adjacent one.)
            var sizeWord = Marshal.ReadInt64(block - IntPtr.Size);
            Assert.True((sizeWord & 0x2) != 0, $"the block at 0x{block:x} is not a mapping of its own (served from an arena)");
            Assert.True((sizeWord & ~0x7L) >= Frame, $"the block's chunk is {sizeWord & ~0x7L} bytes, less than the {Frame} asked");
        }
        finally
        {
            Marshal.FreeHGlobal(block);
        }
    }
}
