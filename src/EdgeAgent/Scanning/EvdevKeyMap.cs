namespace EdgeAgent.Scanning;

/// <summary>Linux key codes (<c>linux/input-event-codes.h</c>) to text, US layout, as HID barcode scanners send them.</summary>
public static class EvdevKeyMap
{
    public const ushort KeyEnter = 28;
    public const ushort KeyLeftShift = 42;
    public const ushort KeyRightShift = 54;
    public const ushort KeyCapsLock = 58;
    public const ushort KeyKeypadEnter = 96;

    private static readonly Dictionary<ushort, (char Plain, char Shifted)> Keys = Build();

    /// <summary>The character a key gives, or null for a key that carries no text (unknown to a scanner line).</summary>
    public static char? ToChar(ushort code, bool shift, bool capsLock)
    {
        if (!Keys.TryGetValue(code, out var key))
        {
            return null;
        }

        var letter = char.IsAsciiLetter(key.Plain);
        return (shift ^ (letter && capsLock)) ? key.Shifted : key.Plain;
    }

    private static Dictionary<ushort, (char, char)> Build()
    {
        var map = new Dictionary<ushort, (char, char)>();
        void Row(ushort first, string plain, string shifted)
        {
            for (var i = 0; i < plain.Length; i++)
            {
                map[(ushort)(first + i)] = (plain[i], shifted[i]);
            }
        }

        Row(2, "1234567890-=", "!@#$%^&*()_+");
        Row(16, "qwertyuiop[]", "QWERTYUIOP{}");
        Row(30, "asdfghjkl;'`", "ASDFGHJKL:\"~");
        Row(43, "\\zxcvbnm,./", "|ZXCVBNM<>?");
        Row(57, " ", " ");
        Row(55, "*", "*");
        Row(71, "789-456+1230.", "789-456+1230.");
        Row(98, "/", "/");
        return map;
    }
}
