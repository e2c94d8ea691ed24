namespace EdgeAgent.Capture;

/// <summary>
/// Writes and reads a 64-bit value as a row of black and white blocks along the top of a BGR frame,
/// so a frame carries its production time machine-readably through JPEG and ffmpeg re-encoding.
/// </summary>
public static class FrameClockStripe
{
    public const int Bits = 64;
    public const int RowHeight = 8;

    public static void Write(byte[] bgr, int width, long value)
    {
        var blockWidth = width / Bits;
        if (blockWidth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"frames narrower than {Bits} px cannot carry a clock stripe");
        }

        for (var bit = 0; bit < Bits; bit++)
        {
            var on = ((ulong)value >> (Bits - 1 - bit) & 1) == 1;
            byte level = on ? (byte)255 : (byte)0;
            for (var y = 0; y < RowHeight; y++)
            {
                var start = ((y * width) + (bit * blockWidth)) * 3;
                bgr.AsSpan(start, blockWidth * 3).Fill(level);
            }
        }
    }

    public static long Read(byte[] bgr, int width)
    {
        var blockWidth = width / Bits;
        ulong value = 0;
        for (var bit = 0; bit < Bits; bit++)
        {
            // Sample the centre of the block, away from JPEG ringing at the edges.
            var x = (bit * blockWidth) + (blockWidth / 2);
            var offset = (((RowHeight / 2) * width) + x) * 3;
            var luma = (bgr[offset] + bgr[offset + 1] + bgr[offset + 2]) / 3;
            value = (value << 1) | (luma > 127 ? 1UL : 0UL);
        }

        return (long)value;
    }
}
