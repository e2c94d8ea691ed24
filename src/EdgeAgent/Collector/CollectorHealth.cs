using System.Text.Json;

namespace EdgeAgent.Collector;

/// <summary>
/// What a collector did since it started, written to <c>{root}/.collector-health.json</c> every few seconds
/// when it changes. <paramref name="DeadLettered"/> counts messages that can never be stored (answered
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

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static CollectorHealth? Read(string storeRoot)
    {
        var path = Path.Combine(storeRoot, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<CollectorHealth>(File.ReadAllBytes(path), Json) : null;
    }
}
