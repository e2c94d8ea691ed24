using System.Runtime.InteropServices;

namespace EdgeAgent.Evidence;

/// <summary>
/// Reads the kernel's clock discipline with <c>adjtimex(2)</c> in read-only mode (modes = 0). The clock is
/// unsynchronised when the call returns TIME_ERROR (5) or the status has STA_UNSYNC (0x40), which is what
/// <c>timedatectl</c>'s "System clock synchronized" reports.
/// </summary>
public sealed partial class LinuxClockSyncProbe : IClockSyncProbe
{
    private const int TimeError = 5;
    private const int StaUnsync = 0x0040;

    // struct timex on 64-bit Linux: int modes (+4 pad); long offset, freq, maxerror, esterror; int status; ... 208 bytes in all.
    private const int TimexSize = 208;
    private const int MaxErrorOffset = 24;
    private const int StatusOffset = 40;

    private readonly Lazy<string?> bootId = new(ReadBootId);

    public string? BootId => bootId.Value;

    public ClockSyncState Read()
    {
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8)
        {
            return new ClockSyncState(null, null);
        }

        Span<byte> timex = stackalloc byte[TimexSize];
        timex.Clear();
        int state;
        unsafe
        {
            fixed (byte* buffer = timex)
            {
                state = Adjtimex(buffer);
            }
        }

        if (state < 0)
        {
            return new ClockSyncState(null, null);
        }

        var status = BitConverter.ToInt32(timex[StatusOffset..]);
        var maxError = BitConverter.ToInt64(timex[MaxErrorOffset..]);
        return new ClockSyncState(state != TimeError && (status & StaUnsync) == 0, maxError);
    }

    private static string? ReadBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "adjtimex", SetLastError = true)]
    private static unsafe partial int Adjtimex(byte* timex);
}
