using System.Runtime.InteropServices;

namespace EdgeAgent.Health;

/// <summary>
/// Reads <c>adjtimex(2)</c> in read-only mode: the same kernel flag <c>timedatectl</c> shows as
/// "System clock synchronized", without D-Bus or systemd-timedated.
/// </summary>
public sealed partial class AdjtimexClockSyncProbe : IClockSyncProbe
{
    private const int TimeError = 5;
    private const int StaUnsync = 0x0040;

    // struct timex on LP64 Linux: modes (int, padded), offset, freq, maxerror, esterror (longs), status (int).
    private const int EstErrorOffset = 32;
    private const int StatusOffset = 40;

    public ClockSync Read()
    {
        var timex = new byte[512]; // larger than struct timex (208 bytes); modes = 0 means read only
        var state = Adjtimex(timex);
        if (state < 0)
        {
            return new ClockSync(false, null, $"adjtimex failed (errno {Marshal.GetLastPInvokeError()})");
        }

        var status = BitConverter.ToInt32(timex, StatusOffset);
        var synced = state != TimeError && (status & StaUnsync) == 0;
        var errorMicros = BitConverter.ToInt64(timex, EstErrorOffset);
        return new ClockSync(synced, synced ? errorMicros / 1000.0 : null, "adjtimex");
    }

    [LibraryImport("libc", EntryPoint = "adjtimex", SetLastError = true)]
    private static partial int Adjtimex(byte[] timex);
}
