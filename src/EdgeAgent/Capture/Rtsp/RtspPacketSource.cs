using System.Runtime.CompilerServices;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Capture.Rtsp;

/// <summary>
/// Reads an RTSP H.264/H.265 camera in process, without decoding and without a child process: RTP over the RTSP
/// connection (<see cref="RtspPlayback"/>), put back into Annex-B access units (<see cref="NalDepacketizer"/>, each
/// keyframe with its parameter sets) and dated by the camera's RTCP sender reports (<see cref="RtcpSession"/>), as
/// <see cref="GstreamerPacketSource"/> does through GStreamer. A camera whose DESCRIBE offers another encoding (MJPEG)
/// is handed to <paramref name="fallback"/> (the GStreamer packet reader) when there is one, else refused permanently.
/// </summary>
public sealed class RtspPacketSource(RtspSourceSettings settings, IFrameDecoder decoder, TimeProvider timeProvider, ILogger logger, IEncodedFrameSource? fallback = null) : IEncodedFrameSource
{
    public IFrameDecoder Decoder { get; } = decoder;

    public string Describe() => $"rtsp {CameraUrl.Redact(settings.Url)} (managed, compressed)";

    public async IAsyncEnumerable<RawFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var playback = await RtspPlayback.DescribeAsync(settings, timeProvider, logger, cancellationToken);
        if (playback.Track.Codec is null && fallback is not null)
        {
            await playback.DisposeAsync();
            Log.HandingOver(logger, CameraUrl.Redact(settings.Url), playback.Track.Encoding);
            await foreach (var frame in fallback.ReadFramesAsync(cancellationToken))
            {
                yield return frame;
            }

            yield break;
        }

        try
        {
            await playback.PlayAsync(cancellationToken);
            while (true)
            {
                foreach (var (unit, cameraTime) in await playback.ReadAsync(cancellationToken))
                {
                    yield return RawFrame.Of(unit, cameraTime);
                }
            }
        }
        finally
        {
            await playback.DisposeAsync();
        }
    }
}
