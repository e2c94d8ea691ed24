using System.Runtime.InteropServices;
using System.Text;

namespace EdgeAgent.Capture.Decoding;

/// <summary>
/// One open libavcodec decoder fed one GOP unit by unit: it remembers the GOP's keyframe, how many units it has fed
/// and holds the picture of the last one, so a later unit of the same GOP costs only the units in between. Not thread
/// safe: <see cref="WarmGopDecoder"/> serialises its use. Streams are assumed to carry no B-frames (site cameras'
/// default), so the n-th picture out is the n-th unit in.
/// </summary>
internal sealed unsafe class DecodeSession : IDisposable
{
    private readonly FfmpegLibraries av;
    private nint context;
    private nint packet;
    private nint picture; // the newest picture received
    private nint scratch; // receives the next one (avcodec_receive_frame clears its frame even when it has none)
    private nint scaler;

    private DecodeSession(FfmpegLibraries av, string codec)
    {
        this.av = av;
        Codec = codec;
    }

    /// <summary><see cref="EncodedUnit.H264"/> or <see cref="EncodedUnit.H265"/>.</summary>
    public string Codec { get; }

    /// <summary>The keyframe this session's GOP started from, or null when it must start again.</summary>
    public EncodedUnit? Keyframe { get; private set; }

    /// <summary>The last unit fed.</summary>
    public EncodedUnit? LastFed { get; private set; }

    /// <summary>Units of the current GOP fed so far.</summary>
    public int Fed { get; private set; }

    /// <summary>Pictures the current GOP gave so far.</summary>
    public int Pictures { get; private set; }

    /// <summary>Opens a decoder for <paramref name="codec"/> with <paramref name="threads"/> slice threads (slice threading adds no frame delay and holds no extra pictures).</summary>
    public static DecodeSession Open(FfmpegLibraries av, string codec, int threads)
    {
        var session = new DecodeSession(av, codec);
        try
        {
            var decoder = Find(av, codec == EncodedUnit.H265 ? "hevc" : "h264");
            session.context = av.AllocContext(decoder);
            session.packet = av.PacketAlloc();
            session.picture = av.FrameAlloc();
            session.scratch = av.FrameAlloc();
            if (session.context == 0 || session.packet == 0 || session.picture == 0 || session.scratch == 0)
            {
                throw new FrameSourceException("libavcodec: out of memory");
            }

            session.Check(SetInt(av, session.context, "threads", threads), "threads");
            session.Check(Set(av, session.context, "thread_type", "slice"), "thread_type");
            session.Check(av.Open(session.context, decoder, 0), "avcodec_open2");
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Forgets the GOP decoded so far and starts a new one at <paramref name="keyframe"/>.</summary>
    public void Restart(EncodedUnit keyframe)
    {
        av.FlushBuffers(context);
        Keyframe = keyframe;
        LastFed = null;
        Fed = 0;
        Pictures = 0;
    }

    /// <summary>Decodes one more unit of the GOP, keeping its picture.</summary>
    public void Feed(EncodedUnit unit)
    {
        int sent;
        fixed (byte* data = unit.Data)
        {
            // Not reference counted (no buf): avcodec_send_packet copies the bytes, with the padding the parser wants.
            Marshal.WriteIntPtr(packet, FfmpegLibraries.PacketData, (nint)data);
            Marshal.WriteInt32(packet, FfmpegLibraries.PacketSize, unit.Data.Length);
            sent = av.SendPacket(context, packet);
            if (sent == FfmpegLibraries.ErrorAgain)
            {
                ReceiveAll();
                sent = av.SendPacket(context, packet);
            }

            Marshal.WriteIntPtr(packet, FfmpegLibraries.PacketData, 0);
            Marshal.WriteInt32(packet, FfmpegLibraries.PacketSize, 0);
        }

        Check(sent, $"unit {Fed + 1} of the GOP");
        Fed++;
        LastFed = unit;
        ReceiveAll();
    }

    /// <summary>
    /// Makes the decoder give out every picture it still holds back (a stream that announces reordering). It then
    /// needs a new keyframe: the next request starts again.
    /// </summary>
    public void Drain()
    {
        Check(av.SendPacket(context, 0), "drain");
        ReceiveAll();
        av.FlushBuffers(context);
        Keyframe = null;
    }

    /// <summary>The newest picture as BGR24 at <paramref name="width"/> x <paramref name="height"/> (0: its own size).</summary>
    public RawFrame Convert(int width, int height)
    {
        var (w0, h0) = Newest();
        var (w, h) = width > 0 && height > 0 ? (width, height) : (w0, h0);
        var pixels = GC.AllocateUninitializedArray<byte>(w * h * 3, pinned: false);
        Scale(pixels, w, h, 3, FfmpegLibraries.PixelFormatBgr24, FfmpegLibraries.ScaleFlags);
        return new RawFrame(pixels, w, h);
    }

    /// <summary>
    /// The newest picture as 8-bit grey, shaped as <paramref name="width"/> x <paramref name="height"/> (0: its own size) and
    /// area-scaled to at most <paramref name="maxWidth"/> wide: only the luma plane is read, no colour picture is made.
    /// </summary>
    public GreyPicture ConvertGrey(int width, int height, int maxWidth)
    {
        var (w0, h0) = Newest();
        var (w, h) = GreyPicture.Fit(width > 0 && height > 0 ? width : w0, width > 0 && height > 0 ? height : h0, maxWidth);
        var pixels = new byte[w * h];
        Scale(pixels, w, h, 1, FfmpegLibraries.PixelFormatGray8, FfmpegLibraries.ShrinkFlags);
        return new GreyPicture(pixels, w, h);
    }

    private (int Width, int Height) Newest()
    {
        var (w0, h0, format) = (Marshal.ReadInt32(picture, FfmpegLibraries.FrameWidth), Marshal.ReadInt32(picture, FfmpegLibraries.FrameHeight), Marshal.ReadInt32(picture, FfmpegLibraries.FrameFormat));
        if (Pictures == 0 || w0 <= 0 || h0 <= 0 || format < 0 || Marshal.ReadIntPtr(picture) == 0)
        {
            throw new FrameSourceException($"libavcodec gave no picture ({w0}x{h0}, format {format})");
        }

        return (w0, h0);
    }

    private void Scale(byte[] pixels, int w, int h, int bytesPerPixel, int pixelFormat, int flags)
    {
        var (w0, h0, format) = (Marshal.ReadInt32(picture, FfmpegLibraries.FrameWidth), Marshal.ReadInt32(picture, FfmpegLibraries.FrameHeight), Marshal.ReadInt32(picture, FfmpegLibraries.FrameFormat));
        scaler = av.GetCachedContext(scaler, w0, h0, format, w, h, pixelFormat, flags, 0, 0, null);
        if (scaler == 0)
        {
            throw new FrameSourceException($"libswscale cannot convert {w0}x{h0} format {format} to format {pixelFormat} {w}x{h}");
        }

        int rows;
        fixed (byte* output = pixels)
        {
            var planes = stackalloc byte*[4] { output, null, null, null };
            var strides = stackalloc int[4] { w * bytesPerPixel, 0, 0, 0 };
            rows = av.Scale(scaler, picture, picture + FfmpegLibraries.FrameLinesize, 0, h0, planes, strides);
        }

        if (rows != h)
        {
            throw new FrameSourceException($"libswscale wrote {rows} of {h} rows");
        }
    }

    public void Dispose()
    {
        if (scaler != 0)
        {
            av.FreeScaler(scaler);
            scaler = 0;
        }

        fixed (nint* p = &picture)
        {
            av.FrameFree(p);
        }

        fixed (nint* s = &scratch)
        {
            av.FrameFree(s);
        }

        fixed (nint* k = &packet)
        {
            av.PacketFree(k);
        }

        fixed (nint* c = &context)
        {
            av.FreeContext(c);
        }
    }

    private void ReceiveAll()
    {
        while (true)
        {
            var received = av.ReceiveFrame(context, scratch);
            if (received is FfmpegLibraries.ErrorAgain or FfmpegLibraries.ErrorEof)
            {
                return;
            }

            Check(received, "avcodec_receive_frame");
            (picture, scratch) = (scratch, picture);
            Pictures++;
        }
    }

    private void Check(int code, string what)
    {
        if (code < 0)
        {
            throw new FrameSourceException($"libavcodec ({Codec}, {what}): {av.Error(code)}");
        }
    }

    private static nint Find(FfmpegLibraries av, string name)
    {
        fixed (byte* n = Encoding.ASCII.GetBytes(name + "\0"))
        {
            var decoder = av.FindDecoderByName(n);
            return decoder != 0 ? decoder : throw new FrameSourceException($"this libavcodec has no {name} decoder", permanent: true);
        }
    }

    private static int SetInt(FfmpegLibraries av, nint target, string name, long value)
    {
        fixed (byte* n = Encoding.ASCII.GetBytes(name + "\0"))
        {
            return av.OptSetInt(target, n, value, 0);
        }
    }

    private static int Set(FfmpegLibraries av, nint target, string name, string value)
    {
        fixed (byte* n = Encoding.ASCII.GetBytes(name + "\0"), v = Encoding.ASCII.GetBytes(value + "\0"))
        {
            return av.OptSet(target, n, v, 0);
        }
    }
}
