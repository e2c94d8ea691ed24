using System.Buffers.Binary;
using EdgeAgent.Scanning;

namespace EdgeAgent.Tests.Scanning;

/// <summary>Builds a byte stream of real <c>struct input_event</c> records, as a HID keyboard scanner produces them.</summary>
internal sealed class EvdevEvents
{
    public const ushort EvSyn = 0, EvKey = 1, EvMsc = 4;
    private static readonly Dictionary<char, (ushort Code, bool Shift)> Reverse = BuildReverse();
    private readonly List<byte> bytes = [];
    private long usec;

    public byte[] ToArray() => [.. bytes];

    public EvdevEvents Event(ushort type, ushort code, int value)
    {
        var record = new byte[EvdevDecoder.EventSize];
        var half = IntPtr.Size;
        usec += 1000;
        WriteNative(record, 0, usec / 1_000_000);
        WriteNative(record.AsSpan(half), 0, usec % 1_000_000);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(2 * half), type);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan((2 * half) + 2), code);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan((2 * half) + 4), value);
        bytes.AddRange(record);
        return this;
    }

    /// <summary>A key press and release with the EV_MSC scan code and EV_SYN a real keyboard sends.</summary>
    public EvdevEvents Key(ushort code) =>
        Event(EvMsc, 4, 0x70000 + code).Event(EvKey, code, 1).Event(EvSyn, 0, 0).Event(EvKey, code, 0).Event(EvSyn, 0, 0);

    public EvdevEvents Type(string text)
    {
        foreach (var c in text)
        {
            var (code, shift) = Reverse[c];
            if (shift)
            {
                Event(EvKey, EvdevKeyMap.KeyLeftShift, 1);
            }

            Key(code);
            if (shift)
            {
                Event(EvKey, EvdevKeyMap.KeyLeftShift, 0);
            }
        }

        return this;
    }

    public EvdevEvents Enter() => Key(EvdevKeyMap.KeyEnter);

    public EvdevEvents Line(string text) => Type(text).Enter();

    private static void WriteNative(Span<byte> target, int offset, long value)
    {
        if (IntPtr.Size == 8)
        {
            BinaryPrimitives.WriteInt64LittleEndian(target[offset..], value);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(target[offset..], (int)value);
        }
    }

    private static Dictionary<char, (ushort, bool)> BuildReverse()
    {
        var map = new Dictionary<char, (ushort, bool)>();
        for (ushort code = 0; code < 128; code++)
        {
            foreach (var shift in new[] { false, true })
            {
                if (EvdevKeyMap.ToChar(code, shift, capsLock: false) is { } c)
                {
                    map.TryAdd(c, (code, shift));
                }
            }
        }

        return map;
    }
}
