namespace EdgeAgent.Capture.Rtsp;

/// <summary>Reads the bits of a NAL unit's payload (emulation prevention bytes already removed), Exp-Golomb included.</summary>
internal ref struct BitReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> data = data;
    private int position;

    public uint Bits(int count)
    {
        uint value = 0;
        for (var i = 0; i < count; i++)
        {
            if (position >> 3 >= data.Length)
            {
                throw new FormatException("parameter set ends early");
            }

            value = (value << 1) | (uint)((data[position >> 3] >> (7 - (position & 7))) & 1);
            position++;
        }

        return value;
    }

    public bool Flag() => Bits(1) == 1;

    public void Skip(int count) => position += count;

    /// <summary>ue(v).</summary>
    public uint Unsigned()
    {
        var zeros = 0;
        while (Bits(1) == 0)
        {
            if (++zeros > 31)
            {
                throw new FormatException("Exp-Golomb code longer than 32 bits");
            }
        }

        return (uint)((1L << zeros) - 1 + Bits(zeros));
    }

    /// <summary>se(v).</summary>
    public int Signed()
    {
        var code = Unsigned();
        return (code & 1) == 1 ? (int)((code + 1) / 2) : -(int)(code / 2);
    }

    /// <summary>The RBSP of <paramref name="nal"/>: its bytes without the 0x03 that follows each 00 00.</summary>
    public static byte[] Unescape(ReadOnlySpan<byte> nal)
    {
        var rbsp = new byte[nal.Length];
        var n = 0;
        var zeros = 0;
        foreach (var b in nal)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }

            zeros = b == 0 ? zeros + 1 : 0;
            rbsp[n++] = b;
        }

        return rbsp[..n];
    }
}
