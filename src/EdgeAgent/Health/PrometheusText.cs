using System.Globalization;
using System.Text;

namespace EdgeAgent.Health;

/// <summary>Renders a <see cref="HealthReport"/> in the Prometheus text exposition format (version 0.0.4).</summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly string[] Statuses = ["ok", "degraded", "failing"];

    public static string Render(HealthReport report)
    {
        var text = new StringBuilder();
        Gauge(text, "edgeagent_build_info", "Agent version.", [($"version=\"{Escape(report.Version)}\"", 1)]);
        Gauge(text, "edgeagent_uptime_seconds", "Seconds since the agent started.", [("", report.UptimeSeconds)]);
        Gauge(text, "edgeagent_health_status", "1 for the current overall status.", Statuses.Select(s => ($"status=\"{s}\"", report.Status == s ? 1.0 : 0.0)));
        Gauge(text, "edgeagent_pipeline_alive", "1 while the systemd watchdog is fed.", [("", report.PipelineAlive ? 1 : 0)]);
        Gauge(text, "edgeagent_camera_connected", "1 when the camera reader is connected.", report.Cameras.Select(c => (Camera(c), c.State == "connected" ? 1.0 : 0.0)));
        Gauge(text, "edgeagent_camera_fps", "Measured frames per second.", report.Cameras.Where(c => c.Fps is not null).Select(c => (Camera(c), c.Fps!.Value)));
        Gauge(text, "edgeagent_camera_frame_age_seconds", "Age of the newest frame.", report.Cameras.Where(c => c.LastFrameAgeSeconds is not null).Select(c => (Camera(c), c.LastFrameAgeSeconds!.Value)));
        Gauge(text, "edgeagent_camera_stream_latency_seconds", "Stream latency, capture to arrival, applied to the newest frame (measured median or configured).", report.Cameras.Where(c => c.LatencyMs is not null).Select(c => (Camera(c), c.LatencyMs!.Value / 1000)));
        Gauge(text, "edgeagent_camera_stream_latency_p95_seconds", "95th percentile of the measured stream latency (camera clock to arrival).", report.Cameras.Where(c => c.LatencyP95Ms is not null).Select(c => (Camera(c), c.LatencyP95Ms!.Value / 1000)));
        Gauge(text, "edgeagent_camera_produced_basis", "1 for how the newest frame's production time was found (camera-clock, measured-latency, configured-latency, arrival).", report.Cameras.Where(c => c.ProducedBasis is not null).Select(c => ($"{Camera(c)},basis=\"{c.ProducedBasis}\"", 1.0)));
        Gauge(text, "edgeagent_camera_sharpness", "Variance of the Laplacian of the newest frame.", report.Cameras.Where(c => c.Sharpness is not null).Select(c => (Camera(c), c.Sharpness!.Value)));
        Gauge(text, "edgeagent_camera_scene_match", "Correlation of the newest frame with the commissioning reference (1 = same view).", report.Cameras.Where(c => c.SceneMatch is not null).Select(c => (Camera(c), c.SceneMatch!.Value)));
        Gauge(text, "edgeagent_scanner_connected", "1 when the scanner's device is open.", report.Scanners.Select(s => ($"scanner=\"{Escape(s.Id)}\"", s.State == ScannerHealth.Connected ? 1.0 : 0.0)));
        Gauge(text, "edgeagent_input_locked", "1 while the lock is on.", report.Inputs.Select(i => ($"input=\"{Escape(i.Id)}\",point=\"{Escape(i.Point)}\"", i.Locked ? 1.0 : 0.0)));
        Gauge(text, "edgeagent_broker_connected", "1 while connected to the broker.", [("", report.Broker.Connected ? 1 : 0)]);
        Gauge(text, "edgeagent_receipts_untrusted", "Receipts ignored since start: not signed by an enrolled collector key for this device.", [("", report.Broker.UntrustedReceipts)]);
        Gauge(text, "edgeagent_outbox_depth", "Records waiting for delivery.", [("", report.Outbox.Depth)]);
        Gauge(text, "edgeagent_outbox_bytes", "Bytes waiting for delivery.", [("", report.Outbox.Bytes)]);
        Gauge(text, "edgeagent_outbox_oldest_age_seconds", "Age of the oldest undelivered record.", report.Outbox.OldestAgeSeconds is { } age ? [("", age)] : []);
        Gauge(text, "edgeagent_disk_free_bytes", "Free bytes on the state directory's file system.", [("", report.Disk.FreeBytes)]);
        Gauge(text, "edgeagent_disk_total_bytes", "Size of the state directory's file system.", [("", report.Disk.TotalBytes)]);
        Gauge(text, "edgeagent_clock_synchronised", "1 when the kernel clock is synchronised.", [("", report.Clock.Synchronised ? 1 : 0)]);
        Gauge(text, "edgeagent_cpu_temperature_celsius", "CPU temperature.", report.CpuTemperatureC is { } t ? [("", t)] : []);
        Gauge(text, "edgeagent_findings_raised", "Findings raised since the agent started.", report.Findings is { } f ? [("", f.Total)] : []);
        Gauge(text, "edgeagent_findings_unsafe_recent", "Unsafe findings within the last hour; above 0 health is degraded.", report.Findings is { } u ? [("", u.UnsafeRecent)] : []);
        return text.ToString();
    }

    private static string Camera(CameraHealth camera) => $"camera=\"{Escape(camera.Id)}\"";

    private static void Gauge(StringBuilder text, string name, string help, IEnumerable<(string Labels, double Value)> samples)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n");
        foreach (var (labels, value) in samples)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{(labels.Length == 0 ? "" : "{" + labels + "}")} {value.ToString("R", CultureInfo.InvariantCulture)}\n");
        }
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
