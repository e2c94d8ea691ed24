using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace EdgeAgent.Scanning;

/// <summary>
/// Decodes a stream of <c>struct input_event</c> (timeval, u16 type, u16 code, s32 value: 24 bytes on 64-bit
/// Linux, 16 on 32-bit) into lines: key presses plus shift become text, Enter ends a line. A line with a key that
/// carries no text is rejected as a whole; other event types (EV_SYN, EV_MSC) are ignored.
/// </summary>
public sealed class EvdevDecoder(int maxLength)
{
    public const ushort EvKey = 1;
    public static readonly int EventSize = (2 * IntPtr.Size) + 8;

    private readonly StringBuilder text = new();
    private readonly byte[] partial = new byte[EventSize];
    private int partialLength;
    private bool leftShift;
    private bool rightShift;
    private bool capsLock;
    private string? rejection;
    private int keys;

    public List<ScanLine> Push(ReadOnlySpan<byte> data)
    {
        var lines = new List<ScanLine>();
        while (!data.IsEmpty)
        {
            var take = Math.Min(EventSize - partialLength, data.Length);
            data[..take].CopyTo(partial.AsSpan(partialLength));
            partialLength += take;
            data = data[take..];
            if (partialLength == EventSize)
            {
                partialLength = 0;
                OnEvent(partial, lines);
            }
        }

        return lines;
    }

    /// <summary>Forgets a half-typed line (device gone).</summary>
    public void Reset()
    {
        text.Clear();
        rejection = null;
        keys = 0;
        partialLength = 0;
        leftShift = rightShift = false;
    }

    private void OnEvent(ReadOnlySpan<byte> record, List<ScanLine> lines)
    {
        var offset = 2 * IntPtr.Size;
        var type = BinaryPrimitives.ReadUInt16LittleEndian(record[offset..]);
        var code = BinaryPrimitives.ReadUInt16LittleEndian(record[(offset + 2)..]);
        var value = BinaryPrimitives.ReadInt32LittleEndian(record[(offset + 4)..]);
        if (type != EvKey)
        {
            return;
        }

        switch (code)
        {
            case EvdevKeyMap.KeyLeftShift:
                leftShift = value != 0;
                return;
            case EvdevKeyMap.KeyRightShift:
                rightShift = value != 0;
                return;
        }

        if (value != 1)
        {
            return; // release (0) or autorepeat (2): a scanner's text is in the presses
        }

        switch (code)
        {
            case EvdevKeyMap.KeyCapsLock:
                capsLock = !capsLock;
                return;
            case EvdevKeyMap.KeyEnter or EvdevKeyMap.KeyKeypadEnter:
                EndLine(lines);
                return;
        }

        keys++;
        var c = EvdevKeyMap.ToChar(code, leftShift || rightShift, capsLock);
        if (c is null)
        {
            rejection ??= string.Create(CultureInfo.InvariantCulture, $"key code {code} carries no text");
        }
        else if (text.Length < maxLength + 1)
        {
            text.Append(c.Value);
        }
    }

    private void EndLine(List<ScanLine> lines)
    {
        if (keys > 0)
        {
            lines.Add(rejection is not null ? ScanLine.Rejected(rejection, keys)
                : keys > maxLength ? ScanLine.Rejected(string.Create(CultureInfo.InvariantCulture, $"line of {keys} keys is longer than the limit of {maxLength} (Scanning:MaxLineLength)"), keys)
                : ScanLine.Accepted(text.ToString(), keys));
        }

        text.Clear();
        rejection = null;
        keys = 0;
    }
}
