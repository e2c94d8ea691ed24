using EdgeAgent.Health;

namespace EdgeAgent.Tests.Health;

/// <summary>A clock probe for machines (like CI containers) whose kernel clock is not NTP-disciplined.</summary>
public sealed class SynchronisedClock(bool synchronised = true) : IClockSyncProbe
{
    public ClockSync Read() => new(synchronised, synchronised ? 1.5 : null, "test");
}
