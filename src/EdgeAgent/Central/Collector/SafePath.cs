using System.Text;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// Turns a name from the wire (device id, site, work order, step, camera) into one path segment and back.
/// The encoding is injective and reversible: letters, digits, '_' and '-' stay, every other UTF-8 byte
/// becomes <c>%XX</c> (upper-case hex), so <c>cv.1</c> is <c>cv%2E1</c> and never meets <c>cv_1</c>. The
/// result is never empty, '.' or '..' and never holds a separator. Names are validated before they get here
/// (<see cref="RecordValidator"/>); an empty name, or one whose segment would not fit a file name, is refused.
/// </summary>
public static class SafePath
{
    /// <summary>Longest encoded segment (bytes): leaves room for a file name's sequence prefix and suffix under 255.</summary>
    public const int MaxSegmentLength = 200;

    /// <exception cref="ArgumentException">The name is empty, or its encoding is longer than <see cref="MaxSegmentLength"/>.</exception>
    public static string Segment(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("an identifier used as a path segment must not be empty", nameof(name));
        }

        var builder = new StringBuilder(name.Length);
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(Convert.ToHexString([b]));
            }

            if (builder.Length > MaxSegmentLength)
            {
                throw new ArgumentException($"identifier '{Shorten(name)}' is too long for a path segment (encoded over {MaxSegmentLength} characters)", nameof(name));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Longest encoded step or camera id: both go into one file name,
    /// <c>{sequence:D8}-{step}-{camera}-{record id:N}.json</c>, which must stay under 255 bytes.
    /// </summary>
    public const int MaxFileNamePartLength = 100;

    /// <summary>Whether <paramref name="name"/> can be a segment (not empty, encoding at most <paramref name="maxLength"/>).</summary>
    public static bool Fits(string? name, int maxLength = MaxSegmentLength) => !string.IsNullOrEmpty(name) && name.Length <= maxLength && EncodedLength(name) <= maxLength;

    /// <summary>The name a segment encodes, or null when the segment is not a well-formed encoding.</summary>
    public static string? Decode(string segment)
    {
        if (segment.Length == 0)
        {
            return null;
        }

        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c == '%')
            {
                if (i + 2 >= segment.Length)
                {
                    return null;
                }

                if (!byte.TryParse(segment.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var b) ||
                    char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' || segment.AsSpan(i + 1, 2).ContainsAnyInRange('a', 'f'))
                {
                    return null; // not canonical: one name, one segment
                }

                bytes.Add(b);
                i += 2;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                bytes.Add((byte)c);
            }
            else
            {
                return null;
            }
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// The segment stores written before the reversible encoding used (every other character became '_', cut
    /// at 64): <c>verify</c> still accepts a record found under it.
    /// </summary>
    public static string LegacySegment(string name)
    {
        var builder = new StringBuilder(Math.Min(name.Length, 64));
        foreach (var c in name)
        {
            if (builder.Length == 64)
            {
                break;
            }

            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        return builder.Length == 0 ? "_" : builder.ToString();
    }

    /// <summary>Joins encoded segments under a root and proves the result stays inside it.</summary>
    public static string Under(string root, params string[] names)
    {
        var fullRoot = Path.GetFullPath(root);
        var path = Path.GetFullPath(Path.Combine([fullRoot, .. names.Select(Segment)]));
        if (!path.StartsWith(fullRoot.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new UnauthorizedAccessException($"refusing to write outside the collector root: {path}");
        }

        return path;
    }

    /// <summary>Length of the encoding: 1 for each UTF-8 byte that is an ASCII letter, digit, '-' or '_', else 3 (without encoding it: every byte of a non-ASCII character, a replaced lone surrogate too, is 3).</summary>
    private static int EncodedLength(string name)
    {
        int length = 0, ascii = 0;
        foreach (var c in name)
        {
            if (char.IsAscii(c))
            {
                ascii++;
                length += char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? 1 : 3;
            }
        }

        return ascii == name.Length ? length : length + (3 * (Encoding.UTF8.GetByteCount(name) - ascii));
    }

    private static string Shorten(string name) => name.Length > 40 ? name[..40] + "…" : name;
}
