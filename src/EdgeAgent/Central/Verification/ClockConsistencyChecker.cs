using System.Globalization;
using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Verification;

/// <summary>
/// Reads the clock stamps of a device's chain: records made while the clock was unsynchronised or had jumped,
/// and consecutive records of one boot whose wall-clock and monotonic differences disagree. These are
/// warnings for the auditor (times not to be taken at face value), not broken links.
/// </summary>
public static class ClockConsistencyChecker
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(2);

    public static void Check(string deviceId, IEnumerable<EvidenceRecord> records, List<string> warnings)
    {
        EvidenceRecord? previous = null;
        var unsynchronised = 0;
        foreach (var record in records)
        {
            if (record.Clock is not { } clock)
            {
                previous = null;
                continue;
            }

            if (clock.Synchronized != true)
            {
                unsynchronised++;
            }

            if (clock.JumpMs is { } jump)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"device {deviceId}, sequence {record.Sequence}: the agent flagged a clock jump of {jump} ms"));
            }
            else if (previous?.Clock is { } before && before.BootId == clock.BootId && clock.BootId is not null)
            {
                var wall = record.CreatedAt - previous.CreatedAt;
                var monotonic = TimeSpan.FromMilliseconds(clock.MonotonicMs - before.MonotonicMs);
                if ((wall - monotonic).Duration() > Tolerance)
                {
                    warnings.Add(string.Create(CultureInfo.InvariantCulture,
                        $"device {deviceId}, sequence {record.Sequence}: wall clock advanced {wall.TotalSeconds:F1} s but monotonic time {monotonic.TotalSeconds:F1} s since sequence {previous.Sequence} (same boot)"));
                }
            }

            previous = record;
        }

        if (unsynchronised > 0)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"device {deviceId}: {unsynchronised} records made while the clock was not synchronised"));
        }
    }
}
