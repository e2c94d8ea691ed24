using EdgeAgent.Configuration;
using EdgeAgent.Protocol;

namespace EdgeAgent.Capture;

/// <summary>
/// Which frames one trigger takes from one camera, chosen by when each frame was <b>produced</b>
/// (<see cref="Frame.ProducedAt"/>, allowing for its <see cref="ProducedUncertainty"/>), never by when it arrived:
/// <list type="bullet">
/// <item><see cref="PreTrigger"/> <c>pre</c> photos from the ring: surely produced before the edge, after the
/// previous trigger's edge, and not yet evidence in this job;</item>
/// <item>the <c>at</c> photo: the first frame surely produced at or after edge + <see cref="Settle"/>;</item>
/// <item>then <c>post</c> photos, the first frames surely produced at or after each further <see cref="Interval"/>.</item>
/// </list>
/// A frame produced before the edge is never an <c>at</c> or <c>post</c> photo: when none comes in time the plan
/// says so (<see cref="CaptureResult.AtMissing"/>) rather than falling back to an older frame. Only these frames are ever encoded.
/// </summary>
public sealed record CapturePlan(int PreTrigger, int PostTrigger, TimeSpan Interval, TimeSpan FreshFrameWait)
{
    /// <summary>How long after the edge the <c>at</c> photo is due (the hand out of the picture).</summary>
    public TimeSpan Settle { get; init; }

    /// <summary>How long a trigger waits for a camera that has no frame (starting, reconnecting) instead of <see cref="FreshFrameWait"/>.</summary>
    public TimeSpan OutageWait { get; init; }

    public ProducedUncertainty Uncertainty { get; init; } = new();

    public async Task<CaptureResult> ExecuteAsync(CameraReader reader, CaptureMoment moment, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        var shots = new List<Shot>();
        var beforeEdge = 0;
        if (PreTrigger > 0)
        {
            var windowStart = moment.EdgeTime - reader.PreTriggerWindow;
            beforeEdge = reader.Held(f => Uncertainty.Latest(f) < moment.EdgeTime && f.ProducedAt >= windowStart, ringOnly: true).Count;
            var eligible = reader.Held(
                f => Uncertainty.Latest(f) < moment.EdgeTime && f.ProducedAt >= windowStart
                    && (moment.PreviousEdge is not { } previous || Uncertainty.Earliest(f) > previous)
                    && !moment.Ledger.IsClaimed(reader.CameraId, f.Sequence),
                ringOnly: true);
            foreach (var chosen in Spread(eligible, PreTrigger))
            {
                if (moment.Ledger.TryClaim(reader.CameraId, chosen.Sequence) && await reader.CopyHeldAsync(chosen.Sequence, cancellationToken) is { } copy)
                {
                    shots.Add(new Shot(copy, FrameRole.Pre));
                }
            }
        }

        string? missing = null;
        string? postShort = null;
        long lastSequence = shots.Count > 0 ? shots[^1].Frame.Sequence : 0;
        // A compressed camera decodes the GOP so far while the photo is awaited: the frames that can no longer be chosen.
        long[] chosenFrom = [(moment.EdgeTime + Settle).UtcTicks];
        await using var prefeed = PostTrigger > 0 ? reader.StartPrefeed(f => Uncertainty.Earliest(f).UtcTicks < Volatile.Read(ref chosenFrom[0]), cancellationToken) : null;
        for (var i = 0; i < PostTrigger; i++)
        {
            var offset = Settle + (Interval * i);
            var due = moment.EdgeTime + offset;
            Volatile.Write(ref chosenFrom[0], due.UtcTicks);
            var dueTimestamp = moment.EdgeTimestamp + (long)(offset.TotalSeconds * timeProvider.TimestampFrequency);
            var wait = timeProvider.GetElapsedTime(timeProvider.GetTimestamp(), dueTimestamp);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, timeProvider, cancellationToken);
            }

            var connected = reader.State == CameraState.Connected && reader.Latest is not null;
            var patience = connected ? FreshFrameWait : (OutageWait > FreshFrameWait ? OutageWait : FreshFrameWait);
            // From the due moment, or from now when the trigger waited in the queue: a backlog is not the camera's fault.
            var deadline = Math.Max(dueTimestamp, timeProvider.GetTimestamp()) + (long)((Uncertainty.Largest + patience).TotalSeconds * timeProvider.TimestampFrequency);
            var after = lastSequence;
            var frame = await reader.FirstAsync(
                f => f.Sequence > after && Uncertainty.Earliest(f) >= due && moment.Ledger.TryClaim(reader.CameraId, f.Sequence),
                deadline,
                cancellationToken);
            if (frame is null)
            {
                // A camera slower than the interval gives fewer photos, never the same one twice, never an older one; and says so.
                var why = connected
                    ? $"no frame produced at or after {due:HH:mm:ss.fff} came within {patience.TotalMilliseconds:0} ms"
                    : $"camera {reader.State.ToString().ToLowerInvariant()} ({reader.LastError ?? "no frame yet"}); no frame produced after the edge within {patience.TotalMilliseconds:0} ms";
                if (i == 0)
                {
                    missing = why;
                }
                else
                {
                    postShort = $"{i} of {PostTrigger} photos at and after the edge: {why}";
                }

                break;
            }

            lastSequence = frame.Sequence;
            shots.Add(new Shot(frame, i == 0 ? FrameRole.At : FrameRole.Post));
        }

        return new CaptureResult(shots, beforeEdge, missing) { PostShort = postShort };
    }

    /// <summary>Picks <paramref name="count"/> frames spread evenly over <paramref name="frames"/>, ending with the newest.</summary>
    private static IEnumerable<Frame> Spread(IReadOnlyList<Frame> frames, int count)
    {
        if (frames.Count <= count)
        {
            return frames;
        }

        return Enumerable.Range(0, count)
            .Select(i => frames[frames.Count - 1 - (int)Math.Round((double)i * (frames.Count - 1) / Math.Max(1, count - 1))])
            .Reverse();
    }
}
