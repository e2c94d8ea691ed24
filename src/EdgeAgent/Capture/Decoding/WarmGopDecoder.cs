namespace EdgeAgent.Capture.Decoding;

/// <summary>
/// Decodes a camera's H.264/H.265 units inside the agent with Debian's libavcodec, keeping one decode session warm per
/// camera: a request for a later unit of the GOP the session is in feeds only the units after the last one it
/// decoded; an earlier unit or another GOP starts again from its keyframe. <see cref="PrefeedAsync"/> lets a trigger
/// decode the GOP so far while it waits for its photo. A lone keyframe (a health sample, doctor's first look) decodes
/// on a decoder of its own, so it never disturbs a trigger's session. The session is freed when the capture that used
/// it is over (<see cref="FreeAsync"/>), else after a few idle seconds (5 by default): nothing is held between triggers.
/// Sessions take a slot of the agent's <see cref="DecodeSlots"/>, so only a few cameras hold decoder pictures at once. Output is BGR at the camera's configured size (0 x 0: the stream's own).
/// JPEG, a machine without the libraries, and a unit the libraries cannot decode go to the fallback decoder.
/// </summary>
public sealed class WarmGopDecoder : IFrameDecoder, IDisposable
{
    private readonly int width;
    private readonly int height;
    private readonly IFrameDecoder fallback;
    private readonly FfmpegLibraries? av;
    private readonly TimeProvider timeProvider;
    private readonly TimeSpan idleTimeout;
    private readonly int threads;
    private readonly DecodeSlots slots;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ITimer idle;
    private DecodeSession? session;
    private long lastUsed;
    private long packetsFed;
    private int restarts;
    private bool disposed;
    private bool holdsSlot;

    /// <param name="idleTimeout">How long an unused session is kept (default 5 s).</param>
    public WarmGopDecoder(int width, int height, IFrameDecoder fallback, TimeProvider? timeProvider = null, TimeSpan? idleTimeout = null)
        : this(width, height, fallback, FfmpegLibraries.Default, timeProvider, idleTimeout)
    {
    }

    /// <param name="slots">Shared by the agent's cameras: how many may hold a session at once.</param>
    public WarmGopDecoder(int width, int height, IFrameDecoder fallback, DecodeSlots slots, TimeProvider? timeProvider = null, TimeSpan? idleTimeout = null)
        : this(width, height, fallback, FfmpegLibraries.Default, timeProvider, idleTimeout, slots: slots)
    {
    }

    /// <param name="slots">null: a slot of its own (no bound across decoders).</param>
    internal WarmGopDecoder(int width, int height, IFrameDecoder fallback, FfmpegLibraries? libraries, TimeProvider? timeProvider = null, TimeSpan? idleTimeout = null, int threads = 2, DecodeSlots? slots = null)
    {
        this.slots = slots ?? new DecodeSlots(1);
        this.width = width;
        this.height = height;
        this.fallback = fallback;
        av = libraries;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.idleTimeout = idleTimeout ?? TimeSpan.FromSeconds(5);
        this.threads = threads;
        idle = this.timeProvider.CreateTimer(_ => FreeIfIdle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>True when Debian's libraries were found and decode in process; false: every request goes to the fallback.</summary>
    public bool InProcess => av is not null;

    /// <summary>Units handed to libavcodec so far (keyframe samples included): what a warm session saves shows here.</summary>
    internal long PacketsFed => Interlocked.Read(ref packetsFed);

    /// <summary>How many times the session threw its GOP away and began again at a keyframe.</summary>
    internal int Restarts => Volatile.Read(ref restarts);

    /// <summary>True while a session (an open decoder and its pictures) is held.</summary>
    internal bool Warm => Volatile.Read(ref session) is not null;

    public async Task<RawFrame> DecodeLastAsync(IReadOnlyList<EncodedUnit> units, CancellationToken cancellationToken = default)
    {
        if (units.Count == 0 || !units[0].Keyframe)
        {
            throw new FrameSourceException("nothing to decode: the units must start at a keyframe");
        }

        var last = units[^1];
        if (av is null || !last.IsVideo || units.Any(u => u.Codec != last.Codec))
        {
            return await fallback.DecodeLastAsync(units, cancellationToken);
        }

        RawFrame? picture;
        if (units.Count == 1)
        {
            picture = await LoneAsync(last, s => s.Convert(width, height), cancellationToken);
        }
        else
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                if (!holdsSlot)
                {
                    await slots.AcquireAsync(this, cancellationToken);
                    holdsSlot = true;
                }

                picture = await Task.Run(() => Continue(av, units, convert: true, cancellationToken), CancellationToken.None);
            }
            finally
            {
                Release();
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return picture is null ? await fallback.DecodeLastAsync(units, cancellationToken) : picture with { Encoded = last };
    }

    /// <summary>
    /// A lone keyframe (a health sample) on a decoder of its own, straight to small grey from its luma plane: no BGR
    /// picture of the full size is made. JPEG and anything libavcodec refuses go through the fallback's picture.
    /// </summary>
    public async Task<GreyPicture> DecodeGreyAsync(EncodedUnit keyframe, int maxWidth, CancellationToken cancellationToken = default)
    {
        if (!keyframe.Keyframe)
        {
            throw new FrameSourceException("nothing to decode: a health sample must be a keyframe");
        }

        var grey = av is not null && keyframe.IsVideo ? await LoneAsync(keyframe, s => s.ConvertGrey(width, height, maxWidth), cancellationToken) : null;
        cancellationToken.ThrowIfCancellationRequested();
        return grey ?? GreyPicture.Of(await fallback.DecodeLastAsync([keyframe], cancellationToken), maxWidth);
    }

    /// <summary>
    /// Decodes <paramref name="units"/> (a keyframe, then the units after it) into the session without making a picture,
    /// so a later <see cref="DecodeLastAsync"/> of the same GOP has only its newest units left. Never goes back: when the
    /// session is already further in this GOP, nothing is done.
    /// </summary>
    public async Task PrefeedAsync(IReadOnlyList<EncodedUnit> units, CancellationToken cancellationToken = default)
    {
        if (av is null || units.Count == 0 || !units[0].Keyframe || !units[^1].IsVideo || units.Any(u => u.Codec != units[0].Codec))
        {
            return;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!holdsSlot)
            {
                if (!slots.TryAcquire(this))
                {
                    return; // other cameras hold the slots: no head start, the photo's own decode waits for one
                }

                holdsSlot = true;
            }

            await Task.Run(() => Continue(av, units, convert: false, cancellationToken), CancellationToken.None);
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Frees the session now (the capture that used it is over), giving its slot to another camera.</summary>
    public async Task FreeAsync()
    {
        await gate.WaitAsync();
        try
        {
            Free();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Frees the session if no decode is running on it (another camera waits for a slot).</summary>
    internal void YieldIfIdle()
    {
        if (!gate.Wait(0))
        {
            return; // decoding: it frees the session when the decode ends (<see cref="Release"/>)
        }

        try
        {
            Free();
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        gate.Wait();
        try
        {
            disposed = true;
            idle.Dispose();
            Free();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Under the gate: continues or restarts the session; null when libavcodec failed (the session is dropped).</summary>
    private RawFrame? Continue(FfmpegLibraries libraries, IReadOnlyList<EncodedUnit> units, bool convert, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        try
        {
            if (session is not null && session.Codec != units[0].Codec)
            {
                DropSession(); // keeps the slot for the new one
            }

            if (session is null)
            {
                session = DecodeSession.Open(libraries, units[0].Codec, threads);
                slots.Opened();
            }

            var from = 0;
            if (ReferenceEquals(session.Keyframe, units[0]) && session.Fed > 0 && session.Fed <= units.Count && ReferenceEquals(units[session.Fed - 1], session.LastFed))
            {
                from = session.Fed; // the same GOP, further on: only the new units
            }
            else if (!convert && ReferenceEquals(session.Keyframe, units[0]) && session.Fed > units.Count)
            {
                return null; // a prefeed behind the session: it is already further
            }
            else
            {
                if (session.Fed > 0)
                {
                    Interlocked.Increment(ref restarts);
                }

                session.Restart(units[0]);
            }

            for (var i = from; i < units.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Interlocked.Increment(ref packetsFed);
                session.Feed(units[i]);
            }

            if (!convert)
            {
                return null;
            }

            if (session.Pictures < session.Fed)
            {
                session.Drain();
            }

            if (session.Pictures != session.Fed)
            {
                throw new FrameSourceException($"{session.Fed} units gave {session.Pictures} pictures");
            }

            return session.Convert(width, height);
        }
        catch (FrameSourceException)
        {
            Free(); // a damaged unit or a stream libavcodec refuses: the fallback tries, and says why if it cannot
            return null;
        }
    }

    /// <summary>
    /// A lone keyframe (health sample, doctor) under the camera's gate: on the session's decode slot when the camera
    /// holds one (it never waits for a second), else on a slot of its own for the moment of the decode.
    /// </summary>
    private async Task<T?> LoneAsync<T>(EncodedUnit keyframe, Func<DecodeSession, T> convert, CancellationToken cancellationToken)
        where T : class
    {
        var libraries = av!;
        await gate.WaitAsync(cancellationToken);
        try
        {
            var borrowed = !holdsSlot;
            if (borrowed)
            {
                await slots.AcquireAsync(this, cancellationToken);
            }

            try
            {
                return await Task.Run(() => Alone(libraries, keyframe, convert), CancellationToken.None);
            }
            finally
            {
                if (borrowed)
                {
                    slots.Release(this);
                }
            }
        }
        finally
        {
            Release();
        }
    }

    /// <summary>A lone keyframe on a single-threaded decoder of its own, freed at once; its picture as <paramref name="convert"/> makes it.</summary>
    private T? Alone<T>(FfmpegLibraries libraries, EncodedUnit keyframe, Func<DecodeSession, T> convert)
        where T : class
    {
        try
        {
            using var own = DecodeSession.Open(libraries, keyframe.Codec, 1);
            slots.Opened();
            using var counted = new Closing(slots);
            own.Restart(keyframe);
            Interlocked.Increment(ref packetsFed);
            own.Feed(keyframe);
            if (own.Pictures == 0)
            {
                own.Drain();
            }

            return own.Pictures == 1 ? convert(own) : null;
        }
        catch (FrameSourceException)
        {
            return null;
        }
    }

    private void Release()
    {
        lastUsed = timeProvider.GetTimestamp();
        if (slots.Contended)
        {
            Free(); // another camera waits for a slot
        }
        else if (!disposed && session is not null)
        {
            idle.Change(idleTimeout, Timeout.InfiniteTimeSpan);
        }

        gate.Release();
    }

    private void FreeIfIdle()
    {
        if (!gate.Wait(0))
        {
            idle.Change(idleTimeout, Timeout.InfiniteTimeSpan); // in use: look again later
            return;
        }

        try
        {
            var left = idleTimeout - timeProvider.GetElapsedTime(lastUsed);
            if (left > TimeSpan.Zero && !disposed)
            {
                idle.Change(left, Timeout.InfiniteTimeSpan);
                return;
            }

            Free();
        }
        finally
        {
            gate.Release();
        }
    }

    private void Free()
    {
        DropSession();
        if (holdsSlot)
        {
            holdsSlot = false;
            slots.Release(this);
        }
    }

    private void DropSession()
    {
        var held = session;
        Volatile.Write(ref session, null);
        if (held is not null)
        {
            held.Dispose();
            slots.Closed();
        }
    }

    private readonly struct Closing(DecodeSlots slots) : IDisposable
    {
        public void Dispose() => slots.Closed();
    }
}
