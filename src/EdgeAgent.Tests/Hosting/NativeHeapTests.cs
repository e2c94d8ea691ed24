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
    private const long Frame = 3 * 1024 * 1024; // a 1080p YUV 4:2:0 picture
    private const long Margin = 4 * 1024 * 1024;
    private const long DynamicThresholdMax = 32 * 1024 * 1024; // glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit

    [Fact]
    public void A_frame_sized_block_is_its_own_mapping_and_is_unmapped_when_freed()
    {
        Assert.True(NativeHeap.Tune(), "glibc refused mallopt");

        // The test host has run other tests: its arenas may hold free chunks that would serve any block smaller than
        // them whatever the threshold (the threshold only decides how an arena grows). So the block asked for is larger
        // than all free arena memory (mallinfo2's fordblks, the top chunks included), at least a frame.
        var size = Math.Max(Frame, (long)MallInfo2().FreeBytes + Margin);

        // A larger block, freed once before: by default glibc would now raise its mmap threshold past our block's size
        // and grow an arena for it instead, where it would stay resident after free.
        Marshal.FreeHGlobal(Marshal.AllocHGlobal((nint)Math.Min(DynamicThresholdMax, size + Margin))); // malloc and free on Unix

        var block = Marshal.AllocHGlobal((nint)size);
        try
        {
            // glibc's chunk header, just before the block, holds its size with flag bits; IS_MMAPPED (0x2) marks a block
            // that has its own mapping and that free() gives back with munmap. (Reading /proc/self/maps instead is
            // unreliable: the kernel merges a new mapping with an adjacent one.)
            var sizeWord = Marshal.ReadInt64(block - IntPtr.Size);
            Assert.True((sizeWord & 0x2) != 0, $"the {size}-byte block at 0x{block:x} is not a mapping of its own (served from an arena)");
            Assert.True((sizeWord & ~0x7L) >= size, $"the block's chunk is {sizeWord & ~0x7L} bytes, less than the {size} asked");
        }
        finally
        {
            Marshal.FreeHGlobal(block);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallInfo
    {
        public readonly nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FordBlks, KeepCost;

        public nuint FreeBytes => FordBlks;
    }

    [DllImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static extern MallInfo MallInfo2();
}
