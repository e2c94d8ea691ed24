using System.Runtime.InteropServices;

namespace EdgeAgent.Capture.Decoding;

/// <summary>
/// Debian's FFmpeg libraries (libavcodec, libavutil, libswscale; the <c>ffmpeg</c> package brings them) loaded by
/// their versioned sonames, newest first, with the few functions the warm decoder calls. No struct layout is assumed
/// where an API exists (codec options are set by name); only AVFrame's leading fields (data[8], linesize[8],
/// extended_data, width, height, nb_samples, format) and AVPacket's (buf, pts, dts, data, size), unchanged since
/// FFmpeg 1.x, are read by offset, and checked once at load against the defaults <c>av_frame_alloc</c> and
/// <c>av_packet_alloc</c> write (format -1, pts AV_NOPTS_VALUE) and against the libraries' major versions.
/// </summary>
internal sealed unsafe class FfmpegLibraries
{
    /// <summary>(libavcodec, libavutil, libswscale) majors that ship together: FFmpeg 4.x to 8.x, newest first.</summary>
    public static readonly IReadOnlyList<(int Avcodec, int Avutil, int Swscale)> KnownVersions = [(62, 60, 9), (61, 59, 8), (60, 58, 7), (59, 57, 6), (58, 56, 5)];

    public const int PixelFormatBgr24 = 3; // AV_PIX_FMT_BGR24, unchanged since the enum began
    public const int PixelFormatGray8 = 8; // AV_PIX_FMT_GRAY8, likewise; full range, so limited-range luma is expanded as for BGR
    public const int ErrorAgain = -11; // AVERROR(EAGAIN) on Linux
    public const int ErrorEof = -0x20464F45; // AVERROR_EOF, FFERRTAG('E','O','F',' ')
    private const int SwsBilinear = 2;
    private const int SwsArea = 0x20;
    private const int LogQuiet = -8;
    private const long NoPts = long.MinValue; // AV_NOPTS_VALUE

    private static readonly Lazy<FfmpegLibraries?> Shared = new(() => Load(KnownVersions, out _));

    private FfmpegLibraries(nint[] handles, string describe)
    {
        Describe = describe;
        var (avcodec, avutil, swscale) = (handles[0], handles[1], handles[2]);
        FindDecoderByName = (delegate* unmanaged<byte*, nint>)NativeLibrary.GetExport(avcodec, "avcodec_find_decoder_by_name");
        AllocContext = (delegate* unmanaged<nint, nint>)NativeLibrary.GetExport(avcodec, "avcodec_alloc_context3");
        Open = (delegate* unmanaged<nint, nint, nint, int>)NativeLibrary.GetExport(avcodec, "avcodec_open2");
        FreeContext = (delegate* unmanaged<nint*, void>)NativeLibrary.GetExport(avcodec, "avcodec_free_context");
        SendPacket = (delegate* unmanaged<nint, nint, int>)NativeLibrary.GetExport(avcodec, "avcodec_send_packet");
        ReceiveFrame = (delegate* unmanaged<nint, nint, int>)NativeLibrary.GetExport(avcodec, "avcodec_receive_frame");
        FlushBuffers = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(avcodec, "avcodec_flush_buffers");
        PacketAlloc = (delegate* unmanaged<nint>)NativeLibrary.GetExport(avcodec, "av_packet_alloc");
        PacketFree = (delegate* unmanaged<nint*, void>)NativeLibrary.GetExport(avcodec, "av_packet_free");
        FrameAlloc = (delegate* unmanaged<nint>)NativeLibrary.GetExport(avutil, "av_frame_alloc");
        FrameFree = (delegate* unmanaged<nint*, void>)NativeLibrary.GetExport(avutil, "av_frame_free");
        OptSetInt = (delegate* unmanaged<nint, byte*, long, int, int>)NativeLibrary.GetExport(avutil, "av_opt_set_int");
        OptSet = (delegate* unmanaged<nint, byte*, byte*, int, int>)NativeLibrary.GetExport(avutil, "av_opt_set");
        StrError = (delegate* unmanaged<int, byte*, nuint, int>)NativeLibrary.GetExport(avutil, "av_strerror");
        GetCachedContext = (delegate* unmanaged<nint, int, int, int, int, int, int, int, nint, nint, double*, nint>)NativeLibrary.GetExport(swscale, "sws_getCachedContext");
        Scale = (delegate* unmanaged<nint, nint, nint, int, int, byte**, int*, int>)NativeLibrary.GetExport(swscale, "sws_scale");
        FreeScaler = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(swscale, "sws_freeContext");
        // Decoding errors are reported by the decoder's own messages; FFmpeg's log would only add noise on stderr.
        ((delegate* unmanaged<int, void>)NativeLibrary.GetExport(avutil, "av_log_set_level"))(LogQuiet);
    }

    /// <summary>The libraries of this machine, or null (then the decoders that start a process or open a file are used).</summary>
    public static FfmpegLibraries? Default => Shared.Value;

    /// <summary>For example <c>libavcodec.so.59 (FFmpeg libavcodec 59.37)</c>.</summary>
    public string Describe { get; }

    // AVFrame and AVPacket leading fields, for this machine's pointer size.
    public static int FrameLinesize => 8 * sizeof(nint);

    public static int FrameWidth => FrameLinesize + (8 * sizeof(int)) + sizeof(nint);

    public static int FrameHeight => FrameWidth + sizeof(int);

    public static int FrameFormat => FrameWidth + (3 * sizeof(int));

    private static int PacketPts => 8; // after AVBufferRef *buf, aligned for int64

    public static int PacketData => PacketPts + 16;

    public static int PacketSize => PacketData + sizeof(nint);

    /// <summary>Scales with bilinear filtering (only when the camera's configured size differs from the stream's).</summary>
    public static int ScaleFlags => SwsBilinear;

    /// <summary>Averages areas when shrinking a health sample, as the quality checks' own scaling does (OpenCV's INTER_AREA).</summary>
    public static int ShrinkFlags => SwsArea;

    public delegate* unmanaged<byte*, nint> FindDecoderByName { get; }

    public delegate* unmanaged<nint, nint> AllocContext { get; }

    public delegate* unmanaged<nint, nint, nint, int> Open { get; }

    public delegate* unmanaged<nint*, void> FreeContext { get; }

    public delegate* unmanaged<nint, nint, int> SendPacket { get; }

    public delegate* unmanaged<nint, nint, int> ReceiveFrame { get; }

    public delegate* unmanaged<nint, void> FlushBuffers { get; }

    public delegate* unmanaged<nint> PacketAlloc { get; }

    public delegate* unmanaged<nint*, void> PacketFree { get; }

    public delegate* unmanaged<nint> FrameAlloc { get; }

    public delegate* unmanaged<nint*, void> FrameFree { get; }

    public delegate* unmanaged<nint, byte*, long, int, int> OptSetInt { get; }

    public delegate* unmanaged<nint, byte*, byte*, int, int> OptSet { get; }

    public delegate* unmanaged<int, byte*, nuint, int> StrError { get; }

    public delegate* unmanaged<nint, int, int, int, int, int, int, int, nint, nint, double*, nint> GetCachedContext { get; }

    public delegate* unmanaged<nint, nint, nint, int, int, byte**, int*, int> Scale { get; }

    public delegate* unmanaged<nint, void> FreeScaler { get; }

    /// <summary>
    /// Loads the first set of <paramref name="versions"/> whose three libraries open, have the expected majors and the
    /// expected leading struct fields; null with <paramref name="reason"/> when none does.
    /// </summary>
    public static FfmpegLibraries? Load(IEnumerable<(int Avcodec, int Avutil, int Swscale)> versions, out string reason)
    {
        reason = "no libavcodec/libavutil/libswscale of FFmpeg 4 to 8 found (install Debian's ffmpeg package)";
        foreach (var (avcodec, avutil, swscale) in versions)
        {
            var names = new[] { $"libavcodec.so.{avcodec}", $"libavutil.so.{avutil}", $"libswscale.so.{swscale}" };
            var handles = new nint[3];
            var loaded = 0;
            while (loaded < 3 && NativeLibrary.TryLoad(names[loaded], out handles[loaded]))
            {
                loaded++;
            }

            if (loaded < 3)
            {
                Array.ForEach(handles[..loaded], NativeLibrary.Free);
                continue;
            }

            try
            {
                var majors = new[] { Major(handles[0], "avcodec_version"), Major(handles[1], "avutil_version"), Major(handles[2], "swscale_version") };
                if (majors[0] != avcodec || majors[1] != avutil || majors[2] != swscale)
                {
                    reason = $"{string.Join(", ", names)} report majors {string.Join(".", majors)}, not the ones their names promise";
                    Array.ForEach(handles, NativeLibrary.Free);
                    continue;
                }

                var libraries = new FfmpegLibraries(handles, $"{names[0]} (FFmpeg libavcodec {majors[0]}, libavutil {majors[1]}, libswscale {majors[2]})");
                if (libraries.LayoutProblem() is { } problem)
                {
                    reason = $"{names[0]}: {problem}";
                    Array.ForEach(handles, NativeLibrary.Free);
                    continue;
                }

                return libraries;
            }
            catch (EntryPointNotFoundException ex)
            {
                reason = $"{names[0]}: {ex.Message}";
                Array.ForEach(handles, NativeLibrary.Free);
            }
        }

        return null;
    }

    /// <summary>FFmpeg's text for an error code.</summary>
    public string Error(int code)
    {
        var buffer = stackalloc byte[128];
        return StrError(code, buffer, 128) == 0 ? Marshal.PtrToStringUTF8((nint)buffer) ?? $"error {code}" : $"error {code}";
    }

    public override string ToString() => Describe;

    private static int Major(nint handle, string function) => (int)(((delegate* unmanaged<uint>)NativeLibrary.GetExport(handle, function))() >> 16);

    /// <summary>The fresh frame and packet must show their documented defaults where this class reads them.</summary>
    private string? LayoutProblem()
    {
        var frame = FrameAlloc();
        var packet = PacketAlloc();
        try
        {
            if (frame == 0 || packet == 0)
            {
                return "out of memory";
            }

            var frameOk = Marshal.ReadInt32(frame, FrameFormat) == -1 && Marshal.ReadInt32(frame, FrameWidth) == 0 && Marshal.ReadIntPtr(frame) == 0;
            var packetOk = Marshal.ReadInt64(packet, PacketPts) == NoPts && Marshal.ReadInt64(packet, PacketPts + 8) == NoPts
                && Marshal.ReadIntPtr(packet, PacketData) == 0 && Marshal.ReadInt32(packet, PacketSize) == 0;
            return frameOk && packetOk ? null : "AVFrame/AVPacket do not start with the fields this agent reads";
        }
        finally
        {
            FrameFree(&frame);
            PacketFree(&packet);
        }
    }
}
