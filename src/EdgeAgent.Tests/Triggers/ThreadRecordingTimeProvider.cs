namespace EdgeAgent.Tests.Triggers;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that counts clock reads made on any thread other than the one that created it.
/// Such reads matter: <see cref="FakeTimeProvider.GetUtcNow"/> runs due timers on the reading thread, and while one
/// thread is doing that, <see cref="FakeTimeProvider.Advance(TimeSpan)"/> on another returns without firing them.
/// </summary>
internal sealed class ThreadRecordingTimeProvider(DateTimeOffset epoch) : FakeTimeProvider(epoch)
{
    private readonly int ownerThread = Environment.CurrentManagedThreadId;
    private int foreignReads;

    /// <summary>How many times the clock was read off the creating (test) thread.</summary>
    public int ForeignReads => Volatile.Read(ref foreignReads);

    public override DateTimeOffset GetUtcNow()
    {
        if (Environment.CurrentManagedThreadId != ownerThread)
        {
            Interlocked.Increment(ref foreignReads);
        }

        return base.GetUtcNow();
    }
}
