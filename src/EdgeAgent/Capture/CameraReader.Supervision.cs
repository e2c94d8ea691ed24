namespace EdgeAgent.Capture;

/// <summary>The supervising loop: open the source, read until it is lost or hangs, report why, back off, reopen.</summary>
public sealed partial class CameraReader
{
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        var attempts = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var outcome = await ReadUntilLostAsync(attempts++ > 0, cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            failures = outcome.GotFrames ? 1 : failures + 1;
            var failing = outcome.Permanent || failures >= settings.FailingAfter;
            var backoff = Backoff(failures);
            // Start the wait before reporting the state, so whoever reacts to the report finds the timer running.
            var wait = Task.Delay(backoff, timeProvider, cancellationToken);
            SetStatus(failing ? CameraState.Failing : CameraState.Reconnecting, outcome.Reason);
            Log.Reconnecting(logger, CameraId, source.Describe(), outcome.Reason, backoff.TotalSeconds);
            try
            {
                await wait;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private TimeSpan Backoff(int failures) => TimeSpan.FromMilliseconds(Math.Min(
        settings.MaxBackoff.TotalMilliseconds,
        settings.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16))));

    private async Task<AttemptOutcome> ReadUntilLostAsync(bool restart, CancellationToken cancellationToken)
    {
        if (restart)
        {
            Update(s => s with { Restarts = s.Restarts + 1 });
        }

        Ring.Interrupt(); // a compressed ring restarts at the new stream's first keyframe
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var hung = 0;
        using var watchdog = timeProvider.CreateTimer(_ => { hung = 1; TryCancel(attempt); }, null, settings.HangTimeout, Timeout.InfiniteTimeSpan);
        var gotFrames = false;
        try
        {
            await foreach (var raw in source.ReadFramesAsync(attempt.Token).WithCancellation(attempt.Token))
            {
                watchdog.Change(settings.HangTimeout, Timeout.InfiniteTimeSpan);
                Publish(raw);
                gotFrames = true;
            }

            return Volatile.Read(ref hung) == 1 ? Hung(gotFrames) : new AttemptOutcome("stream ended", gotFrames, false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && Volatile.Read(ref hung) == 1)
        {
            return Hung(gotFrames);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new AttemptOutcome("stopped", gotFrames, false);
        }
        catch (FrameSourceException ex)
        {
            return new AttemptOutcome(ex.Message, gotFrames, ex.Permanent);
        }
        catch (Exception ex)
        {
            return new AttemptOutcome(ex.Message, gotFrames, false);
        }
    }

    private AttemptOutcome Hung(bool gotFrames)
    {
        var reason = $"no frame for {settings.HangTimeout.TotalSeconds:0.#} s; source killed and restarted";
        Log.Hung(logger, CameraId, source.Describe(), settings.HangTimeout.TotalSeconds);
        return new AttemptOutcome(reason, gotFrames, false);
    }

    private static void TryCancel(CancellationTokenSource cts)
    {
        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private sealed record AttemptOutcome(string Reason, bool GotFrames, bool Permanent);
}
