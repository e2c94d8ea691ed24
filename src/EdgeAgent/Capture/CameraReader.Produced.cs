namespace EdgeAgent.Capture;

/// <summary>Frames by when they were made (<see cref="Frame.ProducedAt"/>), not by when they arrived.</summary>
public sealed partial class CameraReader
{
    private readonly List<(DateTimeOffset NotBefore, TaskCompletionSource<Frame> Done)> producedWaiters = [];

    /// <summary>
    /// A copy of the first frame produced at or after <paramref name="notBefore"/> (by <see cref="Frame.ProducedAt"/>):
    /// the earliest such frame still held (pre-trigger ring, newest frame), else the first such frame to arrive within
    /// <paramref name="maxWait"/>. Checked on the reader's thread as each frame is published, so no frame is skipped.
    /// Throws <see cref="TimeoutException"/> when none came; the caller decides what to record then.
    /// </summary>
    public async Task<Frame> CaptureProducedAsync(DateTimeOffset notBefore, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        var entry = (notBefore, new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (buffers)
        {
            var held = Ring.Between(long.MinValue, long.MaxValue).Append(Latest).OfType<Frame>()
                .Where(f => !f.Retired && f.ProducedAt >= notBefore).MinBy(f => f.Sequence);
            if (held is not null)
            {
                return Copy(held);
            }

            producedWaiters.Add(entry);
        }

        try
        {
            return await entry.Item2.Task.WaitAsync(maxWait, timeProvider, cancellationToken);
        }
        finally
        {
            lock (buffers)
            {
                producedWaiters.Remove(entry);
            }
        }
    }

    /// <summary>Hands <paramref name="frame"/> to the waiters it satisfies; called under the buffers lock as it is published.</summary>
    private void CompleteProducedWaiters(Frame frame)
    {
        foreach (var waiter in producedWaiters.Where(w => frame.ProducedAt >= w.NotBefore).ToList())
        {
            producedWaiters.Remove(waiter);
            waiter.Done.TrySetResult(Copy(frame));
        }
    }
}
