namespace EdgeAgent.Capture.Clips;

/// <summary>
/// Splits an H.264/H.265 Annex-B byte stream into NAL units, to compare bitstreams: a remuxed clip carries the same
/// coded slices (VCL NAL units) as the ring, byte for byte, while start codes, parameter-set placement and access unit
/// delimiters may differ between containers.
/// </summary>
public static class AnnexB
{
    /// <summary>The NAL units of <paramref name="stream"/> (without start codes), in order.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> NalUnits(ReadOnlyMemory<byte> stream)
    {
        var units = new List<ReadOnlyMemory<byte>>();
        var span = stream.Span;
        var start = -1;
        for (var i = 0; i + 2 < span.Length; i++)
        {
            if (span[i] == 0 && span[i + 1] == 0 && span[i + 2] == 1)
            {
                if (start >= 0)
                {
                    units.Add(stream[start..TrimZeros(span, start, i)]);
                }

                start = i + 3;
                i += 2;
            }
        }

        if (start >= 0 && start < span.Length)
        {
            units.Add(stream[start..]);
        }

        return units;
    }

    /// <summary>The coded slices (VCL NAL units) of <paramref name="stream"/>: H.264 types 1–5, H.265 types 0–31.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Slices(ReadOnlyMemory<byte> stream, string codec) =>
        [.. NalUnits(stream).Where(n => n.Length > 0 && (codec == EncodedUnit.H265 ? (n.Span[0] >> 1 & 0x3F) < 32 : (n.Span[0] & 0x1F) is >= 1 and <= 5))];

    private static int TrimZeros(ReadOnlySpan<byte> span, int start, int end)
    {
        while (end > start && span[end - 1] == 0)
        {
            end--; // trailing_zero_8bits and the leading zero of a 4-byte start code
        }

        return end;
    }
}
