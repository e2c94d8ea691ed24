using EdgeAgent.Capture.Rtsp;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Capture;

/// <summary>Turns camera configuration into a frame source; tests replace it to feed frames directly.</summary>
public interface IFrameSourceFactory
{
    IFrameSource Create(CameraOptions camera);
}

public sealed class FrameSourceFactory(TimeProvider timeProvider, ILoggerFactory loggerFactory) : IFrameSourceFactory
{
    /// <summary>The agent's cameras share these: at most two hold decoder pictures at once (docs/architecture.md, Memory budget).</summary>
    private readonly Decoding.DecodeSlots slots = new(Decoding.DecodeSlots.DefaultCapacity);

    public IFrameSource Create(CameraOptions camera) => camera.Kind switch
    {
        "synthetic" => new SyntheticFrameSource(camera.Width, camera.Height, camera.Fps, timeProvider, camera.Id),
        "ffmpeg" => Stream(camera),
        "v4l2" => new V4l2FrameSource(camera.Url!, camera.Width, camera.Height, camera.Fps),
        _ => throw new ConfigException([$"Cameras: unknown kind '{camera.Kind}'"]),
    };

    /// <summary>
    /// A network stream or file: for rtsp:// into the compressed ring over TCP the managed client (<c>Capture/Rtsp/</c>),
    /// else GStreamer for rtsp:// when <c>Backend</c> allows it (it reads the camera's clock), ffmpeg otherwise; <c>auto</c> falls back to ffmpeg when GStreamer is not installed or cannot read the stream.
    /// </summary>
    private IFrameSource Stream(CameraOptions camera)
    {
        var ffmpeg = new FfmpegFrameSource(
            new FfmpegSourceSettings(camera.Url!, camera.Width, camera.Height)
            {
                RtspTransport = camera.Transport,
                HardwareAcceleration = string.IsNullOrEmpty(camera.HardwareAcceleration) ? null : camera.HardwareAcceleration,
            },
            loggerFactory.CreateLogger<FfmpegFrameSource>());
        var rtsp = camera.Url!.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase);
        if (camera.Backend == "ffmpeg" || !rtsp)
        {
            return ffmpeg;
        }

        var settings = new GstreamerSourceSettings(camera.Url, camera.Width, camera.Height) { RtspTransport = camera.Transport };
        if (camera.Ring == "auto" && camera.Backend is "auto" or "managed" && camera.Transport == "tcp")
        {
            // The compressed ring read in process (H.264/H.265 over TCP); DESCRIBE decides: a camera sending another
            // encoding (MJPEG) is handed to the GStreamer packet reader when it is installed.
            var decoder = Decoder(camera);
            var gstreamerPackets = settings.Installed ? new GstreamerPacketSource(settings, decoder, loggerFactory.CreateLogger<GstreamerPacketSource>()) : null;
            return new RtspPacketSource(new RtspSourceSettings(camera.Url), decoder, timeProvider, loggerFactory.CreateLogger<RtspPacketSource>(), gstreamerPackets);
        }

        if (camera.Ring == "auto" && (camera.Backend == "gstreamer" || settings.Installed))
        {
            // The compressed ring: units as the camera sent them, decoded only for a photo (no fallback: the raw path
            // cannot feed a compressed ring; Ring "raw" with Backend "auto" keeps the ffmpeg fallback).
            return new GstreamerPacketSource(settings, Decoder(camera), loggerFactory.CreateLogger<GstreamerPacketSource>());
        }

        var gstreamer = new GstreamerFrameSource(settings, loggerFactory.CreateLogger<GstreamerFrameSource>());
        if (camera.Backend == "gstreamer")
        {
            return gstreamer;
        }

        return settings.Installed ? new FallbackFrameSource(gstreamer, ffmpeg, loggerFactory.CreateLogger<FallbackFrameSource>()) : ffmpeg;
    }

    /// <summary>The warm libavcodec decoder, falling back to OpenCV over /dev/shm, then to an ffmpeg child.</summary>
    private Decoding.WarmGopDecoder Decoder(CameraOptions camera) =>
        new Decoding.WarmGopDecoder(camera.Width, camera.Height, new InProcessGopDecoder(camera.Width, camera.Height, new FfmpegGopDecoder(camera.Width, camera.Height)), slots, timeProvider);
}
