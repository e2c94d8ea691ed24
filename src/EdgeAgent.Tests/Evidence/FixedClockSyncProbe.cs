using EdgeAgent.Evidence;

namespace EdgeAgent.Tests.Evidence;

internal sealed class FixedClockSyncProbe(bool? synchronized, string? bootId = "3f1c2d9e-0000-4000-8000-000000000001") : IClockSyncProbe
{
    public bool? Synchronized { get; set; } = synchronized;

    public string? BootId { get; } = bootId;

    public ClockSyncState Read() => new(Synchronized, Synchronized is null ? null : 16_000);
}
