using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Configuration;

/// <summary>Health reporting, the systemd watchdog's idea of "really healthy", and optional metrics.</summary>
public sealed class HealthOptions
{
    /// <summary>How often the health model is refreshed and compared with the last one published.</summary>
    [Range(1, 3600)]
    public int CheckIntervalSeconds { get; set; } = 5;

    /// <summary>Health is published retained at least this often, and on every change in between.</summary>
    [Range(5, 86400)]
    public int PublishIntervalSeconds { get; set; } = 60;

    /// <summary>A connected camera whose newest frame is older than this has a hung capture loop: the watchdog stops.</summary>
    [Range(1, 3600)]
    public int FrameStallSeconds { get; set; } = 20;

    /// <summary>A trigger waiting longer than this for the recorder means the recorder loop is stuck: the watchdog stops.</summary>
    [Range(1, 86400)]
    public int RecorderStallSeconds { get; set; } = 60;

    /// <summary>Free space on the state directory below this percentage is reported as degraded (and failing below a fifth of it).</summary>
    [Range(0, 100)]
    public double DiskLowPercent { get; set; } = 10;

    /// <summary>Serve Prometheus text on <c>http://127.0.0.1:{port}/metrics</c>. Off (null) by default; loopback only.</summary>
    [Range(1, 65535)]
    public int? MetricsPort { get; set; }
}
