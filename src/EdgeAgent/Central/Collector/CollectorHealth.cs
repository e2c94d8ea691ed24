using System.Text.Json;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// What a collector did since it started, written to <c>{root}/.collector-health.json</c> and, for Prometheus,
/// <c>{root}/.collector-metrics.prom</c> every few seconds when it changes. <paramref name="DeadLettered"/> counts messages that can never be stored (answered
/// <c>rejected</c>), <paramref name="DeadLettersKept"/> those whose bytes were kept (rate-limited per device),
/// <paramref name="RefusedChunks"/> chunks over a device's staging quota, <paramref name="TransientFailures"/>
/// messages left unacknowledged for redelivery (disk full, index unreachable).
/// </summary>
public sealed record CollectorHealth(
    long Stored,
    long DeadLettered,
    long DeadLettersKept,
    int DeadLettersOnDisk,
    long RefusedChunks,
    long TransientFailures,
    int StagedImages,
    long StagedBytes,
    bool Connected,
    string ReceiptKeyId)
{
    public const string FileName = ".collector-health.json";

    /// <summary>Batches redelivered because a record found its key held by another record (a device whose outbox was reset; the record is then stored beside it). Not a fault.</summary>
    public long KeyHeld { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Prometheus text file beside the JSON (for node_exporter's textfile collector).</summary>
    public const string MetricsFileName = ".collector-metrics.prom";

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>The same figures in the Prometheus text exposition format (0.0.4).</summary>
    public string ToPrometheus()
    {
        var text = new System.Text.StringBuilder();
        void Metric(string name, string type, string help, double value) =>
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");
        Metric("edgeagent_collector_stored_total", "counter", "Records stored since start.", Stored);
        Metric("edgeagent_collector_dead_lettered_total", "counter", "Messages that can never be stored: acknowledged, answered rejected, dead-lettered.", DeadLettered);
        Metric("edgeagent_collector_dead_letters_on_disk", "gauge", "Entries in the dead-letter area.", DeadLettersOnDisk);
        Metric("edgeagent_collector_refused_chunks_total", "counter", "Chunks refused because their device was over its staging quota.", RefusedChunks);
        Metric("edgeagent_collector_transient_failures_total", "counter", "Messages left unacknowledged for redelivery (disk full, index unreachable).", TransientFailures);
        Metric("edgeagent_collector_key_held_total", "counter", "Batches redelivered because a record's key held another record (a device whose outbox was reset); stored beside it.", KeyHeld);
        Metric("edgeagent_collector_staged_images", "gauge", "Partial images in staging.", StagedImages);
        Metric("edgeagent_collector_staged_bytes", "gauge", "Bytes of partial images in staging.", StagedBytes);
        Metric("edgeagent_collector_broker_connected", "gauge", "1 while connected to the broker.", Connected ? 1 : 0);
        return text.ToString();
    }

    public static CollectorHealth? Read(string storeRoot)
    {
        var path = Path.Combine(storeRoot, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<CollectorHealth>(File.ReadAllBytes(path), Json) : null;
    }
}
