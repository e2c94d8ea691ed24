using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Capture;

/// <summary>
/// <c>Backend: auto</c>: reads through <paramref name="preferred"/> (GStreamer, which knows the camera's clock) and
/// switches for good to <paramref name="fallback"/> (ffmpeg) when the preferred source fails permanently before its
/// first frame (python3-gi or a GStreamer element not installed, a stream GStreamer cannot decode).
/// </summary>
public sealed partial class FallbackFrameSource(IFrameSource preferred, IFrameSource fallback, ILogger logger) : IFrameSource
{
    private volatile bool fellBack;

    public string Describe() => fellBack ? fallback.Describe() : preferred.Describe();

    public async IAsyncEnumerable<RawFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!fellBack)
        {
            var any = false;
            await using var frames = preferred.ReadFramesAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await frames.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (FrameSourceException ex) when (ex.Permanent && !any)
                {
                    Log.FallingBack(logger, preferred.Describe(), ex.Message, fallback.Describe());
                    fellBack = true;
                    break;
                }

                any = true;
                yield return frames.Current;
            }
        }

        await foreach (var frame in fallback.ReadFramesAsync(cancellationToken))
        {
            yield return frame;
        }
    }
}

/// <summary>Part of the folder's log messages (all of them: see docs/operations.md "Log event ids").</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3121, Level = LogLevel.Warning, Message = "Camera {Source} cannot be read ({Reason}); using {Fallback} instead, without the camera's clock")]
    public static partial void FallingBack(ILogger logger, string source, string reason, string fallback);
}
