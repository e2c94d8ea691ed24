using EdgeAgent.Protocol;

namespace EdgeAgent.Capture;

/// <summary>Raw pixels as a source produced them: BGR24, row-major, no padding.</summary>
public sealed record RawFrame(byte[] Pixels, int Width, int Height)
{
    /// <summary>Where <see cref="Pixels"/> goes back once the reader retires the frame; null for buffers no one recycles.</summary>
    public FrameBufferPool? Pool { get; init; }

    /// <summary>
    /// When the camera captured this frame, by the camera's own clock (for example RTCP sender reports mapping RTP
    /// time to the camera's NTP time), or null when the source cannot tell; the reader then estimates it from arrival.
    /// </summary>
    public DateTimeOffset? CameraTime { get; init; }

    /// <summary>
    /// The camera's encoded unit when the source keeps the compressed stream (then <see cref="Pixels"/> is empty until
    /// the reader decodes it for a photo); null for a source that gives pixels only.
    /// </summary>
    public EncodedUnit? Encoded { get; init; }

    /// <summary>An encoded unit not decoded yet: no pixels to look at.</summary>
    public bool IsEncodedOnly => Encoded is not null && Pixels.Length == 0;

    /// <summary>A frame carrying only <paramref name="unit"/>, pixels to be decoded on demand.</summary>
    public static RawFrame Of(EncodedUnit unit, DateTimeOffset? cameraTime) =>
        new([], unit.Width, unit.Height) { Encoded = unit, CameraTime = cameraTime };

    /// <summary>A copy in a buffer of its own, safe to keep (an encoded unit's bytes are never changed, so they are shared).</summary>
    public RawFrame Detach() => new((byte[])Pixels.Clone(), Width, Height) { CameraTime = CameraTime, Encoded = Encoded };
}

/// <summary>A decoded frame as the camera reader holds it.</summary>
/// <param name="Sequence">Per-camera sequence number, starting at 1 with each reader start.</param>
/// <param name="Timestamp">Monotonic arrival time (<see cref="TimeProvider.GetTimestamp"/>).</param>
/// <param name="ArrivedAt">Wall-clock arrival time.</param>
public sealed record Frame(RawFrame Image, long Sequence, long Timestamp, DateTimeOffset ArrivedAt)
{
    public int Width => Image.Width;

    public int Height => Image.Height;

    /// <summary>How many frames in a row before this one had identical pixels or a camera time that did not
    /// advance (0 = the picture changed). A short run is normal (a decoder repeating a frame, a jittery stream).</summary>
    public int UnchangedFrames { get; init; }

    /// <summary>
    /// How long the picture (or the camera's own timestamps) had not advanced when this frame arrived: the arrival
    /// time of this frame minus that of the first frame of the run. Frozen is judged by this, not by a frame count.
    /// </summary>
    public TimeSpan UnchangedFor { get; init; }

    /// <summary>Monotonic arrival time of the first frame of the current run of unchanged frames.</summary>
    internal long UnchangedSince { get; init; }

    /// <summary>Best estimate of when the camera captured the frame (wall clock); see <see cref="ProducedBasis"/>.</summary>
    public DateTimeOffset ProducedAt { get; init; } = ArrivedAt;

    public ProducedBasis ProducedBasis { get; init; } = ProducedBasis.Arrival;

    /// <summary>Set by the reader, under its lock, when the frame's buffer may be reused.</summary>
    internal bool Retired { get; set; }

    /// <summary>Bytes this frame holds in memory: its raw pixels, or its encoded unit.</summary>
    public long Bytes => Image.Pixels.LongLength + (Image.Encoded?.Data.LongLength ?? 0);
}
