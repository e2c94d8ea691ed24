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
    private readonly IFrameDecoder? decoder = (source as IEncodedFrameSource)?.Decoder;
    private HealthSample? sample;
    private ulong sampleFingerprint;
    private long sampleUnchangedSince;
    private int sampling;
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

    /// <summary>
    /// Recent frames for pre-trigger photos and clips. For a compressed source every encoded unit of the last
    /// <see cref="CameraReaderSettings.CompressedWindow"/> from a keyframe on; for a raw source spaced decoded frames,
    /// empty unless <see cref="CameraReaderSettings.PreTriggerBytes"/> is set.
    /// </summary>
    public FrameRing Ring { get; } = source is IEncodedFrameSource
        ? new((settings ?? Defaults).CompressedBytes, (settings ?? Defaults).CompressedWindow, TimeSpan.Zero, timeProvider, compressed: true)
        : new((settings ?? Defaults).PreTriggerBytes, (settings ?? Defaults).PreTriggerWindow, (settings ?? Defaults).PreTriggerSpacing, timeProvider);

    /// <summary>How far back pre-trigger photos reach (<c>PreTriggerMs</c>); a compressed ring may hold more, for clips.</summary>
    public TimeSpan PreTriggerWindow => settings.PreTriggerWindow;

    /// <summary>True when the camera's frames are kept encoded and decoded only for a photo.</summary>
    public bool Compressed => decoder is not null;

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
            return await DetachAsync(current, cancellationToken);
        }

        try
        {
            return await DetachAsync(await signal.Task.WaitAsync(maxWait, timeProvider, cancellationToken), cancellationToken);
        }
        catch (TimeoutException)
        {
            return await DetachAsync(Latest ?? throw new CameraUnavailableException(CameraId, LastError ?? "no frame received yet"), cancellationToken);
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
            Pending? found = null;
            lock (buffers)
            {
                foreach (var frame in HeldUnlocked())
                {
                    if (accept(frame))
                    {
                        found = Prepare(frame);
                        break;
                    }
                }
            }

            if (found is { } pending)
            {
                return await DecodeAsync(pending, cancellationToken);
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

    /// <summary>
    /// Waits, without decoding anything, until a frame produced after <paramref name="producedAfter"/> has arrived or the
    /// monotonic <paramref name="deadlineTimestamp"/> passes; true when one came.
    /// </summary>
    public async Task<bool> WaitForProducedAsync(DateTimeOffset producedAfter, long deadlineTimestamp, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var signal = Volatile.Read(ref nextFrame);
            if (Latest is { } newest && newest.ProducedAt > producedAfter)
            {
                return true;
            }

            var left = timeProvider.GetElapsedTime(timeProvider.GetTimestamp(), deadlineTimestamp);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await signal.Task.WaitAsync(left, timeProvider, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Look once more.
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

    /// <summary>A copy of the held frame with <paramref name="sequence"/>, or null once it is gone (decoded now when the ring is compressed).</summary>
    public Frame? CopyHeld(long sequence) => CopyHeldAsync(sequence).GetAwaiter().GetResult();

    /// <summary>A copy of the held frame with <paramref name="sequence"/> with its pixels, or null once it is gone.</summary>
    public async Task<Frame?> CopyHeldAsync(long sequence, CancellationToken cancellationToken = default)
    {
        Pending? pending;
        lock (buffers)
        {
            pending = HeldUnlocked().FirstOrDefault(f => f.Sequence == sequence) is { } frame ? Prepare(frame) : null;
        }

        return pending is { } p ? await DecodeAsync(p, cancellationToken) : null;
    }

    private IEnumerable<Frame> HeldUnlocked()
    {
        if (Compressed)
        {
            // Only what the ring holds decodes (a unit before the first keyframe does not).
            foreach (var frame in Ring.Snapshot())
            {
                yield return frame;
            }

            yield break;
        }

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

    /// <summary>
    /// A copy of the newest frame, or null before the first one. For a compressed camera: the keyframe of the newest
    /// <see cref="HealthSample"/>, decoded in colour now (commissioning, tests); health itself judges the sample's grey picture.
    /// </summary>
    public Frame? Snapshot()
    {
        if (Compressed)
        {
            return Volatile.Read(ref sample) is { Keyframe: var keyframe }
                ? DecodeAsync(new Pending(keyframe, [keyframe.Image.Encoded!]), CancellationToken.None).GetAwaiter().GetResult()
                : null;
        }

        return Latest is { } frame ? DetachAsync(frame).GetAwaiter().GetResult() : null;
    }

    /// <summary>Copies of the ring's frames that arrived in [<paramref name="fromTimestamp"/>, <paramref name="toTimestamp"/>) (decoded when compressed).</summary>
    public IReadOnlyList<Frame> Recent(long fromTimestamp, long toTimestamp)
    {
        List<Pending> pending;
        lock (buffers)
        {
            pending = [.. Ring.Between(fromTimestamp, toTimestamp).Select(Prepare)];
        }

        return [.. pending.Select(p => DecodeAsync(p, CancellationToken.None).GetAwaiter().GetResult())];
    }

    /// <summary>
    /// A copy of <paramref name="frame"/>, or of the newest frame if that one was newer (never older than the
    /// newest held). Copying under the lock keeps the buffer from being recycled mid-copy.
    /// </summary>
    private async Task<Frame> DetachAsync(Frame frame, CancellationToken cancellationToken = default)
    {
        Pending pending;
        lock (buffers)
        {
            var held = Compressed ? Ring.Snapshot() : null;
            var newest = held is null ? Latest : held.Count > 0 ? held[^1] : throw new CameraUnavailableException(CameraId, "no keyframe received yet");
            pending = Prepare(newest is not null && (frame.Retired || newest.Sequence > frame.Sequence) ? newest : frame);
        }

        return await DecodeAsync(pending, cancellationToken);
    }

    /// <summary>What a copy needs, taken under the lock: a raw copy, or the units that decode to the frame.</summary>
    private Pending Prepare(Frame frame) =>
        Compressed && frame.Image.IsEncodedOnly
            ? new Pending(frame, Ring.UnitsFor(frame) ?? throw new CameraUnavailableException(CameraId, "the frame left the ring before it was decoded"))
            : new Pending(Copy(frame), null);

    /// <summary>The frame with pixels: decoded from its units (outside the lock), keeping the unit's production time.</summary>
    private async Task<Frame> DecodeAsync(Pending pending, CancellationToken cancellationToken)
    {
        if (pending.Units is not { } units)
        {
            return pending.Frame;
        }

        var picture = await decoder!.DecodeLastAsync(units, cancellationToken);
        return pending.Frame with { Image = picture with { CameraTime = pending.Frame.Image.CameraTime } };
    }

    private static Frame Copy(Frame frame) => frame with { Image = frame.Image.Detach() };

    /// <summary>Waits for the next frame to arrive (decoded, for a compressed camera).</summary>
    public async Task<Frame> NextFrameAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var frame = await Volatile.Read(ref nextFrame).Task.WaitAsync(cancellationToken);
            if (!Compressed)
            {
                return frame;
            }

            Pending? pending;
            lock (buffers)
            {
                pending = Ring.Contains(frame) ? Prepare(frame) : null;
            }

            if (pending is { } p)
            {
                return await DecodeAsync(p, cancellationToken);
            }
        }
    }

    /// <summary>Waits for the next frame or unit to arrive and returns it live, never decoding it (timing only).</summary>
    public Task<Frame> NextUnitAsync(CancellationToken cancellationToken = default) =>
        Volatile.Read(ref nextFrame).Task.WaitAsync(cancellationToken);

    /// <summary>The newest encoded unit once one matches <paramref name="match"/>, live (timing and unit only).</summary>
    public async Task<Frame> WaitForUnitAsync(Func<EncodedUnit, bool> match, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var signal = Volatile.Read(ref nextFrame);
            if (Latest is { Image.Encoded: { } unit } frame && match(unit))
            {
                return frame;
            }

            await signal.Task.WaitAsync(cancellationToken);
        }
    }

    private readonly record struct Pending(Frame Frame, IReadOnlyList<EncodedUnit>? Units);

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
        // An encoded unit's bytes change from frame to frame even for a still picture: frozen pictures of a compressed
        // camera are judged on its decoded health samples; here only a camera clock that stops moving counts.
        var fingerprint = raw.Encoded is null ? FrameFingerprint.Of(raw) : (ulong)sequence + 1;
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
        if (Compressed && raw.Encoded is { Keyframe: true })
        {
            MaybeSample(frame);
        }

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
