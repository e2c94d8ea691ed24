using Prometheus;

namespace EdgeAgent.Health;

/// <summary>The Prometheus text exposition format (version 0.0.4), written by prometheus-net.</summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static async Task<string> RenderAsync(CollectorRegistry registry, CancellationToken cancellationToken = default)
    {
        using var text = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(text, cancellationToken);
        return System.Text.Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }

    /// <summary>Only the health gauges of one report, for tests and tools that hold a report and no agent.</summary>
    public static Task<string> RenderAsync(HealthReport report, CancellationToken cancellationToken = default)
    {
        var registry = Metrics.NewCustomRegistry();
        new HealthGauges(Metrics.WithCustomRegistry(registry)).Set(report);
        return RenderAsync(registry, cancellationToken);
    }
}
