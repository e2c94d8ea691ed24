namespace EdgeAgent.Central.Verification;

/// <summary>
/// Whether a JPEG file is whole: it starts with the start-of-image marker and its entropy-coded data ends with
/// the end-of-image marker. A truncated file (a transfer cut short, a full disk) decodes "successfully" in
/// libjpeg with a grey lower part and only a warning on stderr, so it is caught here, by structure.
/// </summary>
public static class JpegIntegrity
{
    /// <summary>Why the bytes are not a whole JPEG, or null when they are.</summary>
    public static string? Problem(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            return "not a JPEG (no start-of-image marker)";
        }

        // The end-of-image marker is last, though some encoders pad after it: look at the tail only.
        var tail = jpeg[Math.Max(2, jpeg.Length - 64)..];
        for (var i = tail.Length - 2; i >= 0; i--)
        {
            if (tail[i] == 0xFF && tail[i + 1] == 0xD9)
            {
                return null;
            }
        }

        return "truncated (no end-of-image marker): the file was cut short";
    }
}
