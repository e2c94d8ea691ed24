using Prometheus;

namespace EdgeAgent.Health;

/// <summary>
/// The health report as Prometheus gauges, with the names and meanings the hand-written exposition had
/// (<c>edgeagent_camera_connected</c>, <c>edgeagent_outbox_depth</c>…). Set from a fresh report before each scrape.
/// </summary>
public sealed class HealthGauges
{
    private static readonly string[] Statuses = ["ok", "degraded", "failing"];
    private readonly Gauge buildInfo, uptime, status, pipelineAlive, cameraConnected, cameraFps, cameraFrameAge, cameraSharpness, cameraSceneMatch;
    private readonly Gauge scannerConnected, inputLocked, brokerConnected, outboxDepth, outboxBytes, outboxOldestAge, diskFree, diskTotal, clockSynchronised;
    private readonly Gauge cpuTemperature, findingsRaised, findingsUnsafeRecent;
    private readonly Gauge cameraLatency, cameraLatencyP95, cameraProducedBasis, receiptsUntrusted;

    public HealthGauges(IMetricFactory metrics)
    {
        Gauge Make(string name, string help, params string[] labels) =>
            metrics.CreateGauge(name, help, labels, new GaugeConfiguration { SuppressInitialValue = true });

        buildInfo = Make("edgeagent_build_info", "Agent version.", "version");
        uptime = Make("edgeagent_uptime_seconds", "Seconds since the agent started.");
        status = Make("edgeagent_health_status", "1 for the current overall status.", "status");
        pipelineAlive = Make("edgeagent_pipeline_alive", "1 while the systemd watchdog is fed.");
        cameraConnected = Make("edgeagent_camera_connected", "1 when the camera reader is connected.", "camera");
        cameraFps = Make("edgeagent_camera_fps", "Measured frames per second.", "camera");
        cameraFrameAge = Make("edgeagent_camera_frame_age_seconds", "Age of the newest frame.", "camera");
        cameraSharpness = Make("edgeagent_camera_sharpness", "Variance of the Laplacian of the newest frame.", "camera");
        cameraSceneMatch = Make("edgeagent_camera_scene_match", "Correlation of the newest frame with the commissioning reference (1 = same view).", "camera");
        cameraLatency = Make("edgeagent_camera_stream_latency_seconds", "Stream latency, capture to arrival, applied to the newest frame (measured median or configured).", "camera");
        cameraLatencyP95 = Make("edgeagent_camera_stream_latency_p95_seconds", "95th percentile of the measured stream latency (camera clock to arrival).", "camera");
        cameraProducedBasis = Make("edgeagent_camera_produced_basis", "1 for how the newest frame's production time was found (camera-clock, measured-latency, configured-latency, arrival).", "camera", "basis");
        receiptsUntrusted = Make("edgeagent_receipts_untrusted", "Receipts ignored since start: not signed by an enrolled collector key for this device.");
        scannerConnected = Make("edgeagent_scanner_connected", "1 when the scanner's device is open.", "scanner");
        inputLocked = Make("edgeagent_input_locked", "1 while the lock is on.", "input", "point");
        brokerConnected = Make("edgeagent_broker_connected", "1 while connected to the broker.");
        outboxDepth = Make("edgeagent_outbox_depth", "Records waiting for delivery.");
        outboxBytes = Make("edgeagent_outbox_bytes", "Bytes waiting for delivery.");
        outboxOldestAge = Make("edgeagent_outbox_oldest_age_seconds", "Age of the oldest undelivered record.");
        diskFree = Make("edgeagent_disk_free_bytes", "Free bytes on the state directory's file system.");
        diskTotal = Make("edgeagent_disk_total_bytes", "Size of the state directory's file system.");
        clockSynchronised = Make("edgeagent_clock_synchronised", "1 when the kernel clock is synchronised.");
        cpuTemperature = Make("edgeagent_cpu_temperature_celsius", "CPU temperature.");
        findingsRaised = Make("edgeagent_findings_raised", "Findings raised since the agent started (see edgeagent_findings_total by code).");
        findingsUnsafeRecent = Make("edgeagent_findings_unsafe_recent", "Unsafe findings within the last hour; above 0 health is degraded.");
    }

    public void Set(HealthReport report)
    {
        buildInfo.WithLabels(report.Version).Set(1);
        uptime.Set(report.UptimeSeconds);
        foreach (var s in Statuses)
        {
            status.WithLabels(s).Set(report.Status == s ? 1 : 0);
        }

        pipelineAlive.Set(report.PipelineAlive ? 1 : 0);
        foreach (var camera in report.Cameras)
        {
            cameraConnected.WithLabels(camera.Id).Set(camera.State == "connected" ? 1 : 0);
            SetOrHide(cameraFps.WithLabels(camera.Id), camera.Fps);
            SetOrHide(cameraFrameAge.WithLabels(camera.Id), camera.LastFrameAgeSeconds);
            SetOrHide(cameraSharpness.WithLabels(camera.Id), camera.Sharpness);
            SetOrHide(cameraSceneMatch.WithLabels(camera.Id), camera.SceneMatch);
            SetOrHide(cameraLatency.WithLabels(camera.Id), camera.LatencyMs / 1000);
            SetOrHide(cameraLatencyP95.WithLabels(camera.Id), camera.LatencyP95Ms / 1000);
            foreach (var basis in new[] { "camera-clock", "measured-latency", "configured-latency", "arrival" })
            {
                if (camera.ProducedBasis == basis)
                {
                    cameraProducedBasis.WithLabels(camera.Id, basis).Set(1);
                }
                else
                {
                    cameraProducedBasis.WithLabels(camera.Id, basis).Unpublish();
                }
            }
        }

        foreach (var scanner in report.Scanners)
        {
            scannerConnected.WithLabels(scanner.Id).Set(scanner.State == ScannerHealth.Connected ? 1 : 0);
        }

        foreach (var input in report.Inputs)
        {
            inputLocked.WithLabels(input.Id, input.Point).Set(input.Locked ? 1 : 0);
        }

        brokerConnected.Set(report.Broker.Connected ? 1 : 0);
        receiptsUntrusted.Set(report.Broker.UntrustedReceipts);
        outboxDepth.Set(report.Outbox.Depth);
        outboxBytes.Set(report.Outbox.Bytes);
        SetOrHide(outboxOldestAge, report.Outbox.OldestAgeSeconds);
        diskFree.Set(report.Disk.FreeBytes);
        diskTotal.Set(report.Disk.TotalBytes);
        clockSynchronised.Set(report.Clock.Synchronised ? 1 : 0);
        SetOrHide(cpuTemperature, report.CpuTemperatureC);
        SetOrHide(findingsRaised, report.Findings?.Total);
        SetOrHide(findingsUnsafeRecent, report.Findings?.UnsafeRecent);
    }

    private static void SetOrHide(Gauge gauge, double? value)
    {
        if (value is { } v)
        {
            gauge.Set(v);
        }
        else
        {
            gauge.Unpublish();
        }
    }

    /// <summary>A value the report does not have (no sensor, no frame yet) is left out of the scrape, not exported as 0.</summary>
    private static void SetOrHide(Gauge.Child gauge, double? value)
    {
        if (value is { } v)
        {
            gauge.Set(v);
        }
        else
        {
            gauge.Unpublish();
        }
    }
}
