using EdgeAgent.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Capture.Clips;

/// <summary>
/// Cuts clips from the cameras' compressed rings: the units produced in [from, to], from the keyframe at or before
/// <c>from</c>, remuxed to MP4 by <see cref="Mp4Remuxer"/> (no unit is decoded or re-encoded). Waits for a unit produced
/// after <c>to</c> so the clip is complete, at most until <c>to</c> plus the camera's <c>FreshFrameWaitMs</c>.
/// </summary>
public sealed partial class RingClipSource(CameraRegistry cameras, IOptions<EdgeAgentOptions> options, TimeProvider timeProvider, ILogger<RingClipSource> logger) : IClipSource
{
    private readonly Mp4Remuxer remuxer = new(options.Value.StateDirectory);

    public async Task<Clip?> CutAsync(string cameraId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        return await CutAsync(cameras.Get(cameraId), from, to, TimeSpan.FromMilliseconds(cameras.Settings[cameraId].FreshFrameWaitMs), remuxer, timeProvider, logger, cancellationToken);
    }

    /// <summary><see cref="CutAsync(string, DateTimeOffset, DateTimeOffset, CancellationToken)"/> on one reader, waiting up to <paramref name="patience"/> past <paramref name="to"/>.</summary>
    public static async Task<Clip?> CutAsync(CameraReader reader, DateTimeOffset from, DateTimeOffset to, TimeSpan patience, Mp4Remuxer remuxer, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken = default)
    {
        var cameraId = reader.CameraId;
        if (!reader.Compressed)
        {
            return null;
        }

        // What is held now, before waiting: by the time `to` has passed, the ring may have let the clip's first GOP go.
        var early = reader.Ring.Snapshot();
        var untilTo = to - timeProvider.GetUtcNow();
        var deadline = timeProvider.GetTimestamp() + (long)(((untilTo > TimeSpan.Zero ? untilTo : TimeSpan.Zero) + patience).TotalSeconds * timeProvider.TimestampFrequency);
        await reader.WaitForProducedAsync(to, deadline, cancellationToken);

        var units = Select(Join(early, reader.Ring.Snapshot()), from, to);
        if (units.Count == 0 || units[0].Image.Encoded is not { IsVideo: true } first)
        {
            Log.NothingHeld(logger, cameraId, from, to);
            return null;
        }

        var mp4 = await remuxer.RemuxAsync([.. units.Select(u => (u.Image.Encoded!, u.ProducedAt))], cancellationToken);
        var basis = units.Select(u => u.ProducedBasis).Max(); // the weakest basis among the clip's frames
        return new Clip(cameraId, mp4, first.Codec, units[0].ProducedAt, units[^1].ProducedAt, basis, units.Count, first.Width, first.Height);
    }

    /// <summary>
    /// The units held at two moments as one run: <paramref name="early"/> then what <paramref name="late"/> added after it,
    /// when the two are contiguous (no unit dropped between them); otherwise <paramref name="late"/> alone.
    /// </summary>
    public static IReadOnlyList<Frame> Join(IReadOnlyList<Frame> early, IReadOnlyList<Frame> late)
    {
        if (early.Count == 0 || late.Count == 0 || late[0].Sequence > early[^1].Sequence + 1 || late[0].Sequence < early[0].Sequence)
        {
            return late;
        }

        return [.. early, .. late.Where(f => f.Sequence > early[^1].Sequence)];
    }

    /// <summary>From the last keyframe produced at or before <paramref name="from"/> (or the first held) through the last unit produced by <paramref name="to"/>.</summary>
    public static IReadOnlyList<Frame> Select(IReadOnlyList<Frame> held, DateTimeOffset from, DateTimeOffset to)
    {
        var start = -1;
        for (var i = 0; i < held.Count && held[i].ProducedAt <= from; i++)
        {
            if (held[i].Image.Encoded is { Keyframe: true })
            {
                start = i;
            }
        }

        if (start < 0)
        {
            start = held.Count > 0 && held[0].ProducedAt <= to ? 0 : held.Count; // the ring begins after `from`: as much as it holds
        }

        var clip = new List<Frame>();
        for (var i = start; i < held.Count && held[i].ProducedAt <= to; i++)
        {
            clip.Add(held[i]);
        }

        return clip;
    }
}
