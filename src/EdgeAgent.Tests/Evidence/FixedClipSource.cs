using System.Collections.Concurrent;
using EdgeAgent.Capture.Clips;

namespace EdgeAgent.Tests.Evidence;

/// <summary>
/// The clip seam until the compressed ring lands: answers every cut with one real MP4 (or null, or an exception),
/// its first frame a keyframe 400 ms before the span, its last at the span's end, and remembers what was asked.
/// </summary>
public sealed class FixedClipSource(byte[]? mp4, int frames = 150, int width = 640, int height = 360, Exception? failure = null) : IClipSource
{
    public ConcurrentQueue<(string CameraId, DateTimeOffset From, DateTimeOffset To)> Cuts { get; } = new();

    public Task<Clip?> CutAsync(string cameraId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        Cuts.Enqueue((cameraId, from, to));
        if (failure is not null)
        {
            throw failure;
        }

        return Task.FromResult(mp4 is null ? null : new Clip(cameraId, mp4, "h264", from.AddMilliseconds(-400), to, ProducedBasis.CameraClock, frames, width, height));
    }
}
