namespace EdgeAgent.Tests.Evidence;

/// <summary>A fake clock whose wall time can be stepped (as NTP or an operator would) while monotonic time runs on.</summary>
internal sealed class SteppableWallClock(FakeTimeProvider monotonic) : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public FakeTimeProvider Inner { get; } = monotonic;

    public override DateTimeOffset GetUtcNow() => Inner.GetUtcNow() + Offset;

    public override long GetTimestamp() => Inner.GetTimestamp();

    public override long TimestampFrequency => Inner.TimestampFrequency;
}
