namespace EdgeAgent.Capture;

/// <summary>
/// A trigger's head start on decoding: while a capture waits for its <c>at</c> (and <c>post</c>) frames, a compressed
/// camera's decoder is fed the newest GOP as its units arrive, so when the chosen frame comes only it is left to decode.
/// </summary>
public sealed partial class CameraReader
{
    /// <summary>
    /// Starts <see cref="PrefeedAsync"/> in the background for a compressed camera (null for a raw one); disposing the
    /// result (when the capture is over) stops it, waits for it and frees the decoder's session at once.
    /// </summary>
    public IAsyncDisposable? StartPrefeed(Func<Frame, bool> before, CancellationToken cancellationToken)
    {
        if (decoder is null)
        {
            return null;
        }

        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return new Prefeeding(stop, PrefeedAsync(before, stop.Token), decoder);
    }

    /// <summary>
    /// Until <paramref name="cancellationToken"/> is cancelled, feeds the decoder (<see cref="IFrameDecoder.PrefeedAsync"/>)
    /// the units from the ring's last keyframe up to the newest held frame that <paramref name="before"/> accepts: frames
    /// that can no longer be chosen, so the session never runs past the frame a capture will ask for. Nothing for a raw camera.
    /// </summary>
    public async Task PrefeedAsync(Func<Frame, bool> before, CancellationToken cancellationToken)
    {
        if (decoder is null)
        {
            return;
        }

        long fed = 0;
        try
        {
            while (true)
            {
                var signal = Volatile.Read(ref nextFrame);
                IReadOnlyList<EncodedUnit>? units = null;
                lock (buffers)
                {
                    var held = Ring.Snapshot();
                    for (var i = held.Count - 1; i >= 0; i--)
                    {
                        if (before(held[i]))
                        {
                            if (held[i].Sequence > fed)
                            {
                                units = Ring.UnitsFor(held[i]);
                                fed = held[i].Sequence;
                            }

                            break;
                        }
                    }
                }

                if (units is not null)
                {
                    await decoder.PrefeedAsync(units, cancellationToken);
                }

                await signal.Task.WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only a head start: the photo's own decode tries again and reports what is wrong.
            Log.PrefeedFailed(logger, CameraId, ex.Message);
        }
    }

    private sealed class Prefeeding(CancellationTokenSource stop, Task running, IFrameDecoder decoder) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await running;
            stop.Dispose();
            await decoder.FreeAsync(); // the capture's photos are decoded: its pictures go now, not after the idle time
        }
    }
}
