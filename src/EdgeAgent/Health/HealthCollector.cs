using EdgeAgent.Evidence;
using System.Reflection;
using EdgeAgent.Capture;
using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using EdgeAgent.Scanning;
using EdgeAgent.Procedure;
using EdgeAgent.Triggers;
using EdgeAgent.Uplink;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Health;

/// <summary>Builds a <see cref="HealthReport"/> from every component, then grades it ok, degraded or failing.</summary>
public sealed class HealthCollector(
    IOptions<EdgeAgentOptions> options,
    CameraRegistry cameras,
    LockInputService inputs,
    MqttUplinkService uplink,
    EvidenceOutbox outbox,
    PipelineHealth pipeline,
    IDiskSpaceProbe disk,
    IClockSyncProbe clock,
    IThermalProbe thermal,
    TimeProvider timeProvider,
    ScannerService scanners,
    ScanRouter scans,
    FindingLog? findingLog = null)
{
    public const double HotCelsius = 80;

    /// <summary>How the clock's problem sentence starts; <c>status</c> grades it as a warning of its own.</summary>
    public const string ClockProblemPrefix = "clock: ";
    private static readonly string AgentVersion = typeof(HealthCollector).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";
    private readonly DateTimeOffset startedAt = timeProvider.GetUtcNow();
    private readonly long startedTimestamp = timeProvider.GetTimestamp();
    private readonly CameraSampler sampler = new(cameras, timeProvider);

    public async Task<HealthReport> CollectAsync(CancellationToken cancellationToken = default)
    {
        var agent = options.Value;
        var now = timeProvider.GetUtcNow();
        var verdict = pipeline.Evaluate();
        var space = disk.Measure(agent.StateDirectory);
        var problems = new List<string>(verdict.Problems);
        var failing = !verdict.Healthy;
        (long Count, long Bytes, DateTimeOffset? Oldest) stats = (0, 0, null);
        try
        {
            await outbox.RefreshSpaceAsync(cancellationToken); // a full disk clears here once space is back, trigger or not
            stats = await outbox.StatsAsync(cancellationToken);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            // A broken store is a failing component, never a failed health request.
            problems.Add($"outbox: unreadable ({ex.Message}); evidence cannot be stored or sent. Fix: restart the agent: it quarantines an unreadable outbox (kept under quarantine/ in {agent.StateDirectory}) and continues the sequence");
            failing = true;
        }

        var samples = cameras.All.Select(sampler.Sample).ToList();
        var cameraHealth = samples.ConvertAll(s => s.Health);
        foreach (var camera in cameraHealth.Where(c => c.State != "connected"))
        {
            problems.Add($"camera {camera.Id}: {camera.State}{(camera.LastError is null ? "" : $" ({camera.LastError})")}");
            failing |= camera.State == "failing";
        }

        // Frozen, blank, covered, dark, bright, blurry, scene-mismatch: the same sentences the evidence records carry.
        problems.AddRange(samples.SelectMany(s => s.Findings));

        var scannerHealth = ScannerHealth.From(agent.Scanning.Scanners, scanners, scans.Recent);
        foreach (var scanner in scannerHealth.Where(s => s.State == ScannerHealth.Missing))
        {
            problems.Add($"scanner {scanner.Id}: missing ({scanner.Reason}); badge and tag scans from it are lost until it is back");
        }

        var inputHealth = inputs.Health.Select(i => new InputHealth(
            i.InputId,
            i.PointId,
            i.Locked,
            i.Level is { } high ? (high ? "high" : "low") : "unreadable",
            i.Quarantined ? $"quarantined since {i.QuarantinedSince:HH:mm:ss} ({i.EdgesInWindow} edges in window)" : i.EdgesInWindow > 1 ? $"{i.EdgesInWindow} edges in window" : null)).ToList();
        foreach (var input in inputs.Health)
        {
            if (input.Fault is not null && input.Fault != LockInputService.NotStarted)
            {
                problems.Add($"input {input.InputId}: not watched ({input.Fault})");
                failing = true;
            }
            else if (input.Quarantined)
            {
                problems.Add($"input {input.InputId}: contact chattering; captures from it are held until it settles");
            }
        }

        if (!uplink.IsConnected)
        {
            problems.Add("broker: not connected; evidence waits in the outbox");
        }

        double? oldestAge = stats.Oldest is { } oldest ? Math.Round((now - oldest).TotalSeconds, 1) : null;
        if (space.FreePercent < agent.Health.DiskLowPercent)
        {
            problems.Add($"disk: {space.FreePercent:0.#}% free on {agent.StateDirectory}");
            failing |= space.FreePercent < agent.Health.DiskLowPercent / 5;
        }

        if (outbox.Condition.State != OutboxState.Ok)
        {
            // Evidence quota passed (kept, never dropped) or the last record could not be stored: critical.
            problems.Add($"outbox: {outbox.Condition.Detail}");
            failing = true;
        }

        if (outbox.Condition.StateLost is { } lost)
        {
            problems.Add($"outbox: state-lost: {lost.Message}. Fix: check the collector's gap report for this device against the quarantined file; restart the agent to clear this once accounted for");
            failing = true;
        }
        else if (outbox.Condition.QuarantineDetail is { } quarantine)
        {
            problems.Add($"outbox: {quarantine}");
            failing = true;
        }

        if (outbox.Condition.HeadProblem is { } head)
        {
            problems.Add($"outbox: {head}");
        }

        var clockState = ClockSync.From(clock.Read());
        if (!clockState.Synchronised)
        {
            problems.Add(ClockProblemPrefix + "not synchronised; evidence timestamps cannot be trusted");
        }

        var temperature = thermal.ReadCelsius();
        if (temperature > HotCelsius)
        {
            problems.Add($"cpu: {temperature:0} °C");
        }

        var findings = findingLog is null ? null : FindingsHealth.From(findingLog, now);
        if (findings is { UnsafeRecent: > 0 })
        {
            // The newest unsafe one may be older than the newest few shown (a burst of other findings): never a 500 for that.
            problems.Add(findings.Recent.FirstOrDefault(f => f.Unsafe) is { } newest
                ? $"findings: {findings.UnsafeRecent} unsafe in the last hour, newest {newest.Code} at {newest.Point} ({newest.Message})"
                : $"findings: {findings.UnsafeRecent} unsafe in the last hour");
        }

        return new HealthReport
        {
            Device = agent.DeviceId,
            Site = agent.SiteId,
            Version = AgentVersion,
            Status = failing ? "failing" : problems.Count > 0 ? "degraded" : "ok",
            Problems = problems,
            GeneratedAt = now,
            StartedAt = startedAt,
            UptimeSeconds = Math.Round(timeProvider.GetElapsedTime(startedTimestamp).TotalSeconds, 1),
            Cameras = cameraHealth,
            Inputs = inputHealth,
            Scanners = scannerHealth,
            Broker = new BrokerHealth(BrokerEndpoint.TryParse(agent.Broker.Url, out var endpoint, out _) ? endpoint.ToString() : "(invalid)", uplink.IsConnected, uplink.LastAcknowledgedAt) { UntrustedReceipts = uplink.ReceiptTrust.Untrusted, ReceiptsSigned = !uplink.ReceiptTrust.AllowUnsigned },
            Outbox = new OutboxHealth(stats.Count, stats.Bytes, stats.Oldest, oldestAge),
            Disk = new DiskHealth(agent.StateDirectory, space.FreeBytes, space.TotalBytes, Math.Round(space.FreePercent, 1)),
            Clock = clockState,
            CpuTemperatureC = temperature,
            PipelineAlive = verdict.Healthy,
            Findings = findings,
        };
    }
}
