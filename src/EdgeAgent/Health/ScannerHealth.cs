using EdgeAgent.Configuration;
using EdgeAgent.Scanning;
using EdgeAgent.Triggers;

namespace EdgeAgent.Health;

/// <summary>A badge or tag scanner as health sees it.</summary>
/// <param name="Id">The scanner's id from the config.</param>
/// <param name="Kind"><c>evdev</c>, <c>serial</c> or <c>camera-qr</c>.</param>
/// <param name="Point">The point its scans belong to.</param>
/// <param name="State"><c>connected</c>, <c>missing</c> (the device could not be opened or hung up) or <c>opening</c> (not tried yet).</param>
/// <param name="Reason">Why it is missing, else null.</param>
/// <param name="LastScanAt">When it last delivered a line (accepted, unmatched or rejected), among the recent scans kept.</param>
/// <param name="RecentRejected">Lines it sent that were rejected as garbage, among the recent scans kept.</param>
/// <param name="RecentUnmatched">Lines that matched no pattern (recorded, not acted on), among the recent scans kept.</param>
public sealed record ScannerHealth(string Id, string Kind, string Point, string State, string? Reason, DateTimeOffset? LastScanAt, int RecentRejected, int RecentUnmatched)
{
    public const string Connected = "connected";
    public const string Missing = "missing";
    public const string Opening = "opening";

    public static IReadOnlyList<ScannerHealth> From(IEnumerable<ScannerOptions> configured, ScannerService service, IReadOnlyList<ScanRecord> recent) =>
    [
        .. configured.Select(s =>
        {
            var mine = recent.Where(r => r.ScannerId == s.Id).ToList();
            var fault = service.Faults.GetValueOrDefault(s.Id);
            var state = service.Connected.GetValueOrDefault(s.Id) ? Connected : fault is null ? Opening : Missing;
            return new ScannerHealth(
                s.Id,
                s.Kind,
                s.Point,
                state,
                state == Missing ? fault : null,
                mine.Count == 0 ? null : mine[^1].At,
                mine.Count(r => r.Rejection is not null),
                mine.Count(r => r.Result?.Category == ScanCategory.Unmatched));
        }),
    ];
}
