namespace EdgeAgent.Capture;

/// <summary>
/// Which frames one trigger takes from one camera: <see cref="PreTrigger"/> frames from the ring (the moments
/// before the lock), then <see cref="PostTrigger"/> fresh frames <see cref="Interval"/> apart, the first being
/// the first frame at or after the trigger. Only these frames are ever encoded.
/// </summary>
public sealed record CapturePlan(int PreTrigger, int PostTrigger, TimeSpan Interval, TimeSpan FreshFrameWait)
{
    /// <summary>Runs the plan. Throws <see cref="CameraUnavailableException"/> only if the camera has no frame at all.</summary>
    public async Task<IReadOnlyList<Frame>> ExecuteAsync(CameraReader reader, long triggerTimestamp, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        var frames = new List<Frame>();
        if (PreTrigger > 0)
        {
            var windowStart = triggerTimestamp - (long)(reader.Ring.Window.TotalSeconds * timeProvider.TimestampFrequency);
            var before = reader.Recent(windowStart, triggerTimestamp);
            frames.AddRange(Spread(before, PreTrigger));
        }

        for (var i = 0; i < PostTrigger; i++)
        {
            var due = triggerTimestamp + (long)(Interval.TotalSeconds * i * timeProvider.TimestampFrequency);
            var wait = timeProvider.GetElapsedTime(timeProvider.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, timeProvider, cancellationToken);
            }

            var frame = await reader.CaptureAsync(due, FreshFrameWait, cancellationToken);
            if (frames.Count > 0 && frame.Sequence <= frames[^1].Sequence)
            {
                // The previous photo's frame arrived after this one was due (a loaded CPU): take the next newer frame.
                frame = await reader.CaptureAsync(frames[^1].Timestamp + 1, FreshFrameWait, cancellationToken);
            }

            if (frames.Count == 0 || frame.Sequence > frames[^1].Sequence)
            {
                frames.Add(frame); // a camera slower than the interval gives fewer photos, never the same one twice
            }
        }

        return frames;
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
