namespace EdgeAgent.Health;

/// <summary>Whether the kernel considers the system clock synchronised (by NTP, chrony or systemd-timesyncd).</summary>
public interface IClockSyncProbe
{
    ClockSync Read();
}
