namespace EdgeAgent.Capture;

/// <summary>Raw pixels as a source produced them: BGR24, row-major, no padding.</summary>
public sealed record RawFrame(byte[] Pixels, int Width, int Height)
{
    /// <summary>Where <see cref="Pixels"/> goes back once the reader retires the frame; null for buffers no one recycles.</summary>
    public FrameBufferPool? Pool { get; init; }

    /// <summary>A copy in a buffer of its own, safe to keep.</summary>
    public RawFrame Detach() => new((byte[])Pixels.Clone(), Width, Height);
}

/// <summary>A decoded frame as the camera reader holds it.</summary>
/// <param name="Sequence">Per-camera sequence number, starting at 1 with each reader start.</param>
/// <param name="Timestamp">Monotonic arrival time (<see cref="TimeProvider.GetTimestamp"/>).</param>
/// <param name="ArrivedAt">Wall-clock arrival time.</param>
public sealed record Frame(RawFrame Image, long Sequence, long Timestamp, DateTimeOffset ArrivedAt)
{
    public int Width => Image.Width;

    public int Height => Image.Height;

    /// <summary>How many frames in a row before this one had identical pixels (0 = the picture changed).
    /// A live camera always changes a little (sensor noise); a run of identical frames means frozen.</summary>
    public int UnchangedFrames { get; init; }

    /// <summary>Set by the reader, under its lock, when the frame's buffer may be reused.</summary>
    internal bool Retired { get; set; }

    /// <summary>Bytes of raw pixels this frame holds in memory.</summary>
    public long Bytes => Image.Pixels.LongLength;
}
