using System.Globalization;
using System.Text;

namespace EdgeAgent.Scanning;

/// <summary>
/// Turns a byte stream into validated lines: splits on the terminator, then rejects lines that are too long,
/// carry control bytes or are not valid UTF-8. Memory stays bounded: an over-long line is dropped as it grows.
/// Empty lines and a CR or LF at the start of a line (the other half of a CRLF pair) are skipped.
/// </summary>
public sealed class ScanLineAssembler(string terminator, int maxLength)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte end = terminator == "cr" ? (byte)'\r' : (byte)'\n';
    private readonly bool stripCr = terminator == "crlf";
    private readonly List<byte> buffer = new(Math.Min(maxLength, 256));
    private int dropped;
    private byte last;

    /// <summary>Bytes of an unfinished line held back.</summary>
    public int Pending => buffer.Count + dropped;

    public List<ScanLine> Push(ReadOnlySpan<byte> data)
    {
        var lines = new List<ScanLine>();
        foreach (var b in data)
        {
            if (b != end)
            {
                if (buffer.Count == 0 && dropped == 0 && b is (byte)'\r' or (byte)'\n')
                {
                    continue; // the other half of a CRLF pair between lines
                }

                if (buffer.Count < maxLength + 1)
                {
                    buffer.Add(b);
                }
                else
                {
                    dropped++;
                }

                last = b;
                continue;
            }

            if (stripCr && last == '\r')
            {
                if (dropped > 0)
                {
                    dropped--;
                }
                else
                {
                    buffer.RemoveAt(buffer.Count - 1);
                }
            }

            if (buffer.Count > 0 || dropped > 0)
            {
                lines.Add(Validate([.. buffer], dropped, maxLength));
            }

            buffer.Clear();
            dropped = 0;
            last = 0;
        }

        return lines;
    }

    /// <summary>Forgets a half-received line (device gone), returning how many bytes were discarded.</summary>
    public int Reset()
    {
        var pending = Pending;
        buffer.Clear();
        dropped = 0;
        last = 0;
        return pending;
    }

    public static ScanLine Validate(byte[] line, int dropped, int maxLength)
    {
        var length = line.Length + dropped;
        if (length > maxLength)
        {
            return ScanLine.Rejected(string.Create(CultureInfo.InvariantCulture, $"line of {length} bytes is longer than the limit of {maxLength} (Scanning:MaxLineLength)"), length);
        }

        var control = Array.FindIndex(line, b => b < 0x20 || b == 0x7F);
        if (control >= 0)
        {
            return ScanLine.Rejected(string.Create(CultureInfo.InvariantCulture, $"control byte 0x{line[control]:X2} at position {control}"), length);
        }

        try
        {
            return ScanLine.Accepted(StrictUtf8.GetString(line), length);
        }
        catch (DecoderFallbackException ex)
        {
            return ScanLine.Rejected(string.Create(CultureInfo.InvariantCulture, $"invalid UTF-8 at byte {ex.Index}"), length);
        }
    }
}
