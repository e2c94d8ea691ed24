using System.Globalization;

namespace EdgeAgent.Health;

/// <summary>
/// The watchdog interval systemd asked for (<c>WatchdogSec=</c> arrives as <c>WATCHDOG_USEC</c>), or null when
/// no watchdog is armed. <c>WATCHDOG_PID</c>, when set, must name this process.
/// </summary>
public sealed record WatchdogSettings(TimeSpan? Interval)
{
    public static WatchdogSettings Disabled { get; } = new((TimeSpan?)null);

    public static WatchdogSettings FromEnvironment() =>
        Parse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID"), Environment.ProcessId);

    public static WatchdogSettings Parse(string? usec, string? pid, int processId)
    {
        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micros) || micros <= 0)
        {
            return Disabled;
        }

        if (!string.IsNullOrEmpty(pid) && pid != processId.ToString(CultureInfo.InvariantCulture))
        {
            return Disabled; // the watchdog belongs to another process (e.g. a wrapper script)
        }

        return new WatchdogSettings(TimeSpan.FromMicroseconds(micros));
    }
}
