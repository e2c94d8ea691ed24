using System.Buffers.Binary;

namespace EdgeAgent.Central.Verification;

/// <summary>
/// Whether an MP4 file (ISO BMFF) is whole, by structure: it starts with an <c>ftyp</c> box, its top-level boxes tile
/// the file exactly (a cut-short or padded file does not), and it has the <c>moov</c> (index) and <c>mdat</c> (media)
/// boxes a player needs. The SHA-256 in the record is the proof; this names what is wrong with a file that fails it.
/// </summary>
public static class Mp4Integrity
{
    /// <summary>Why the bytes are not a whole MP4, or null when they are.</summary>
    public static string? Problem(ReadOnlySpan<byte> mp4)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        while (offset < mp4.Length)
        {
            if (mp4.Length - offset < 8)
            {
                return $"truncated (a box header cut at byte {offset})";
            }

            var at = mp4[(int)offset..];
            long size = BinaryPrimitives.ReadUInt32BigEndian(at);
            var type = System.Text.Encoding.ASCII.GetString(at.Slice(4, 4));
            if (offset == 0 && type != "ftyp")
            {
                return "not an MP4 (no ftyp box first)";
            }

            if (size == 1)
            {
                size = at.Length >= 16 ? (long)BinaryPrimitives.ReadUInt64BigEndian(at[8..]) : 0;
            }
            else if (size == 0)
            {
                size = at.Length; // to the end of the file
            }

            if (size < 8 || size > at.Length)
            {
                return $"truncated (box '{type}' at byte {offset} claims {size} bytes, {at.Length} left)";
            }

            seen.Add(type);
            offset += size;
        }

        return !seen.Contains("ftyp") ? "not an MP4 (empty)"
            : !seen.Contains("moov") ? "not playable (no moov box)"
            : !seen.Contains("mdat") ? "not playable (no mdat box)"
            : null;
    }
}
