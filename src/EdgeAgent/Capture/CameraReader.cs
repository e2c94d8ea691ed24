using Microsoft.Extensions.Logging;

namespace EdgeAgent.Capture;

/// <summary>
/// Reads a camera continuously and always holds its newest frame, so a trigger never gets a stale
/// buffered frame (the OpenCV pitfall of reading only on demand). Reconnects with backoff, restarts a
/// source that hangs (no frame for <see cref="CameraReaderSettings.HangTimeout"/>) and reports its state.
/// </summary>
public sealed partial class CameraReader(string cameraId, IFrameSource source, TimeProvider timeProvider, ILogger logger, CameraReaderSettings? settings = null) : IAsyncDisposable
{
    private readonly CameraReaderSettings settings = settings ?? Defaults;
    private readonly StreamLatency latency = new(settings ?? Defaults);
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock buffers = new(); // guards retiring pooled frames against copying them out
    private TaskCompletionSource<Frame> nextFrame = NewSignal();
    private Frame? latest;
    private ulong lastFingerprint;
    private long sequence;
    private Task? loop;
    private int disposed;
    private CameraStatus status = new(CameraState.Starting, "not started", timeProvider.GetUtcNow(), 0, 0, null);

    public string CameraId { get; } = cameraId;

    public string Source => source.Describe();

    public CameraState State => Status.State;

    public string? LastError => Status.Reason;

    public CameraStatus Status => Volatile.Read(ref status);

    /// <summary>Raised on every state change (from the reader's thread; keep handlers short).</summary>
    public event EventHandler<CameraStatus>? StatusChanged;

    /// <summary>
    /// The newest frame, live: its pixel buffer is reused once newer frames replace it. Use it for sequence and
    /// timing; take pixels through <see cref="CaptureAsync"/> or <see cref="Recent"/>, which hand out copies.
    /// </summary>
    public Frame? Latest => Volatile.Read(ref latest);

    /// <summary>When the first frame since the reader started arrived (wall clock), or null before it.</summary>
    public DateTimeOffset? FirstFrameAt { get; private set; }

    /// <summary>Recent frames for pre-trigger photos; empty unless <see cref="CameraReaderSettings.PreTriggerBytes"/> is set.</summary>
    public FrameRing Ring { get; } = new((settings ?? Defaults).PreTriggerBytes, (settings ?? Defaults).PreTriggerWindow, (settings ?? Defaults).PreTriggerSpacing, timeProvider);

    private static CameraReaderSettings Defaults { get; } = new();

    public void Start() => loop ??= Task.Run(() => RunAsync(stopping.Token));

    /// <summary>
    /// The frame for a trigger at <paramref name="triggerTimestamp"/>: the newest frame if it arrived at or
    /// after the trigger, otherwise the next frame to arrive (up to <paramref name="maxWait"/>), otherwise
    /// the newest frame there is. Never a frame older than the newest held.
    /// </summary>
    public async Task<Frame> CaptureAsync(long triggerTimestamp, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        var signal = Volatile.Read(ref nextFrame);
        var current = Latest;
        if (current is not null && current.Timestamp >= triggerTimestamp)
        {
            return Detach(current);
        }

        try
        {
            return Detach(await signal.Task.WaitAsync(maxWait, timeProvider, cancellationToken));
        }
        catch (TimeoutException)
        {
            return Detach(Latest ?? throw new CameraUnavailableException(CameraId, LastError ?? "no frame received yet"));
        }
    }

    /// <summary>
    /// A copy of the oldest frame held (the ring's frames, then the newest) that <paramref name="accept"/> takes,
    /// waiting for newer frames until the monotonic <paramref name="deadlineTimestamp"/>; null if none came.
    /// <paramref name="accept"/> runs under the reader's lock and may claim the frame: the first it accepts is returned.
    /// </summary>
    public async Task<Frame?> FirstAsync(Func<Frame, bool> accept, long deadlineTimestamp, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var signal = Volatile.Read(ref nextFrame); // before looking, so a frame published meanwhile wakes the wait
            lock (buffers)
            {
                foreach (var frame in HeldUnlocked())
                {
                    if (accept(frame))
                    {
                        return Copy(frame);
                    }
                }
            }

            var left = timeProvider.GetElapsedTime(timeProvider.GetTimestamp(), deadlineTimestamp);
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            try
            {
                await signal.Task.WaitAsync(left, timeProvider, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Look once more: the deadline passed, but a frame may have come with it.
            }
        }
    }

    /// <summary>The frames held now (ring, then the newest), oldest first, that match <paramref name="predicate"/>; live, for their timing only.</summary>
    /// <param name="ringOnly">Only the pre-trigger ring's frames (none when the camera keeps no ring).</param>
    public IReadOnlyList<Frame> Held(Func<Frame, bool> predicate, bool ringOnly = false)
    {
        lock (buffers)
        {
            return [.. HeldUnlocked().Where(f => (!ringOnly || Ring.Contains(f)) && predicate(f))];
        }
    }

    /// <summary>A copy of the held frame with <paramref name="sequence"/>, or null once it is gone.</summary>
    public Frame? CopyHeld(long sequence)
    {
        lock (buffers)
        {
            return HeldUnlocked().FirstOrDefault(f => f.Sequence == sequence) is { } frame ? Copy(frame) : null;
        }
    }

    private IEnumerable<Frame> HeldUnlocked()
    {
        var newest = Latest;
        foreach (var frame in Ring.Between(long.MinValue, long.MaxValue))
        {
            if (!frame.Retired && !ReferenceEquals(frame, newest))
            {
                yield return frame;
            }
        }

        if (newest is { Retired: false })
        {
            yield return newest;
        }
    }

    /// <summary>A copy of the newest frame, or null before the first one.</summary>
    public Frame? Snapshot() => Latest is { } frame ? Detach(frame) : null;

    /// <summary>Copies of the ring's frames that arrived in [<paramref name="fromTimestamp"/>, <paramref name="toTimestamp"/>).</summary>
    public IReadOnlyList<Frame> Recent(long fromTimestamp, long toTimestamp)
    {
        lock (buffers)
        {
            return [.. Ring.Between(fromTimestamp, toTimestamp).Select(Copy)];
        }
    }

    /// <summary>
    /// A copy of <paramref name="frame"/>, or of the newest frame if that one was newer (never older than the
    /// newest held). Copying under the lock keeps the buffer from being recycled mid-copy.
    /// </summary>
    private Frame Detach(Frame frame)
    {
        lock (buffers)
        {
            var newest = Latest;
            return Copy(newest is not null && (frame.Retired || newest.Sequence > frame.Sequence) ? newest : frame);
        }
    }

    private static Frame Copy(Frame frame) => frame with { Image = frame.Image.Detach() };

    /// <summary>Waits for the next frame to arrive.</summary>
    public Task<Frame> NextFrameAsync(CancellationToken cancellationToken = default) =>
        Volatile.Read(ref nextFrame).Task.WaitAsync(cancellationToken);

    /// <summary>Completes with the first status (the current one included) that satisfies <paramref name="predicate"/>.</summary>
    public async Task<CameraStatus> WaitForStatusAsync(Func<CameraStatus, bool> predicate, CancellationToken cancellationToken = default)
    {
        var reached = new TaskCompletionSource<CameraStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, CameraStatus s)
        {
            if (predicate(s))
            {
                reached.TrySetResult(s);
            }
        }

        StatusChanged += OnChanged;
        try
        {
            OnChanged(this, Status);
            return await reached.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            StatusChanged -= OnChanged;
        }
    }

    private void Publish(RawFrame raw)
    {
        var fingerprint = FrameFingerprint.Of(raw);
        var previous = Latest;
        // Unchanged: the same picture, or a camera clock that did not move on (a stream repeating itself).
        var stalled = previous?.Image.CameraTime is { } before && raw.CameraTime is { } now && now <= before;
        var same = previous is not null && (fingerprint == lastFingerprint || stalled);
        lastFingerprint = fingerprint;
        var arrivedAt = timeProvider.GetUtcNow();
        var (producedAt, basis) = latency.Estimate(arrivedAt, raw.CameraTime);
        var arrival = timeProvider.GetTimestamp();
        var since = same ? previous!.UnchangedSince : arrival;
        FirstFrameAt ??= arrivedAt;
        var frame = new Frame(raw, ++sequence, arrival, arrivedAt)
        {
            UnchangedFrames = same ? previous!.UnchangedFrames + 1 : 0,
            UnchangedSince = since,
            UnchangedFor = timeProvider.GetElapsedTime(since, arrival),
            ProducedAt = producedAt,
            ProducedBasis = basis,
        };
        lock (buffers)
        {
            Volatile.Write(ref latest, frame);
            var evicted = new List<Frame>();
            Ring.Offer(frame, evicted);
            if (previous is not null && !Ring.Contains(previous))
            {
                Retire(previous);
            }

            evicted.ForEach(Retire);
        }

        if (previous?.ProducedBasis != basis)
        {
            var reading = latency.Reading;
            Log.BasisChanged(logger, CameraId, reading.BasisName, reading.LatencyMs, reading.P95Ms, reading.RejectedCameraTimes);
        }

        if (State != CameraState.Connected)
        {
            SetStatus(CameraState.Connected, null);
            Log.Connected(logger, CameraId, source.Describe());
        }

        Update(s => s with { FramesReceived = s.FramesReceived + 1, LastFrameAt = frame.ArrivedAt, Latency = latency.Reading });
        var signal = Interlocked.Exchange(ref nextFrame, NewSignal());
        signal.TrySetResult(frame);
    }

    private static void Retire(Frame frame)
    {
        if (!frame.Retired)
        {
            frame.Retired = true;
            frame.Image.Pool?.Return(frame.Image.Pixels);
        }
    }

    private void SetStatus(CameraState state, string? reason)
    {
        var changed = Update(s => s with { State = state, Reason = reason, Since = timeProvider.GetUtcNow() });
        StatusChanged?.Invoke(this, changed);
    }

    private CameraStatus Update(Func<CameraStatus, CameraStatus> change)
    {
        // Only the reader loop writes; readers see a consistent snapshot.
        var next = change(Status);
        Volatile.Write(ref status, next);
        return next;
    }

    private static TaskCompletionSource<Frame> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        if (loop is not null)
        {
            await loop;
        }

        stopping.Dispose();
    }
}
