namespace EdgeAgent.Capture;

/// <summary>
/// A cheap per-frame checksum over a sparse sample of the pixels, so the reader can tell a frozen stream
/// (the same picture again and again) without comparing whole frames. About 64 K samples for 1080p.
/// </summary>
public static class FrameFingerprint
{
    private const int Stride = 97; // prime, so the samples do not line up with rows or colour channels

    public static ulong Of(RawFrame frame) => Of(frame.Pixels);

    public static ulong Of(ReadOnlySpan<byte> pixels)
    {
        var hash = 14695981039346656037UL;
        for (var i = 0; i < pixels.Length; i += Stride)
        {
            hash = (hash ^ pixels[i]) * 1099511628211UL;
        }

        return hash ^ (ulong)pixels.Length;
    }
}
