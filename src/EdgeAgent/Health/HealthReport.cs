namespace EdgeAgent.Health;

/// <summary>
/// The device's health as a field tech and a central dashboard see it: one entry per component plus an
/// overall status. Published retained on <c>edgeagent/v1/{device}/health</c> and served on <c>GET /v1/health</c>.
/// </summary>
public sealed partial record HealthReport
{
    public required string Device { get; init; }

    public required string Site { get; init; }

    public required string Version { get; init; }

    /// <summary><c>ok</c>, <c>degraded</c> (evidence still flows, something needs attention) or <c>failing</c>.</summary>
    public required string Status { get; init; }

    public required IReadOnlyList<string> Problems { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double UptimeSeconds { get; init; }

    public required IReadOnlyList<CameraHealthEntry> Cameras { get; init; }

    public required IReadOnlyList<InputHealthEntry> Inputs { get; init; }

    /// <summary>Badge and tag scanners: connected or missing (with the reason), last scan, recent rejected lines.</summary>
    public IReadOnlyList<ScannerHealth> Scanners { get; init; } = [];

    public required BrokerHealth Broker { get; init; }

    public required OutboxHealth Outbox { get; init; }

    public required DiskHealth Disk { get; init; }

    public required ClockSync Clock { get; init; }

    public double? CpuTemperatureC { get; init; }

    /// <summary>What the systemd watchdog is fed on: false means pings are withheld.</summary>
    public required bool PipelineAlive { get; init; }

    /// <summary>Findings raised since start; unsafe ones within the last hour make the report degraded.</summary>
    public FindingsHealth? Findings { get; init; }

    /// <summary>
    /// The parts that, when they change, make the report worth publishing before the next period. Numbers in
    /// problem sentences (ages, percentages) are left out, or a hung camera would republish on every check.
    /// </summary>
    public string Signature() => string.Join(
        '|',
        Status,
        string.Join(',', Problems.Select(p => Numbers().Replace(p, "#"))),
        string.Join(',', Cameras.Select(c => $"{c.Id}={c.State}/{c.Frozen}/{string.Join('+', c.Flags)}/{c.ReferenceCommissioned}")),
        string.Join(',', Scanners.Select(s => $"{s.Id}={s.State}")),
        string.Join(',', Inputs.Select(i => $"{i.Id}={i.Locked}/{i.Chatter}")),
        Broker.Connected,
        Clock.Synchronised,
        Findings?.Total);

    [System.Text.RegularExpressions.GeneratedRegex(@"\d+(\.\d+)?")]
    private static partial System.Text.RegularExpressions.Regex Numbers();
}
