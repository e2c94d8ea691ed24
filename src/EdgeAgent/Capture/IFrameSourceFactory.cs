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
    public IFrameSource Create(CameraOptions camera) => camera.Kind switch
    {
        "synthetic" => new SyntheticFrameSource(camera.Width, camera.Height, camera.Fps, timeProvider, camera.Id),
        "ffmpeg" => new FfmpegFrameSource(
            new FfmpegSourceSettings(camera.Url!, camera.Width, camera.Height)
            {
                RtspTransport = camera.Transport,
                HardwareAcceleration = string.IsNullOrEmpty(camera.HardwareAcceleration) ? null : camera.HardwareAcceleration,
            },
            loggerFactory.CreateLogger<FfmpegFrameSource>()),
        "v4l2" => new V4l2FrameSource(camera.Url!, camera.Width, camera.Height, camera.Fps),
        _ => throw new ConfigException([$"Cameras: unknown kind '{camera.Kind}'"]),
    };
}
