using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Evidence;

/// <summary>
/// One photographed moment of a job. Schema <c>edgeagent.evidence/1</c>, documented in docs/protocol.md.
/// The image travels separately; this record carries its SHA-256.
/// </summary>
public sealed record EvidenceRecord
{
    public const string SchemaV1 = "edgeagent.evidence/1";

    public string Schema { get; init; } = SchemaV1;

    /// <summary>Time-ordered id (UUIDv7); the collector drops duplicates by it.</summary>
    public required Guid RecordId { get; init; }

    /// <summary>Per-device sequence number, gapless, starting at 1.</summary>
    public required long Sequence { get; init; }

    public required string DeviceId { get; init; }

    public required string SiteId { get; init; }

    public required string PointId { get; init; }

    public required WorkOrderStamp WorkOrder { get; init; }

    public required StepStamp Step { get; init; }

    public required TriggerStamp Trigger { get; init; }

    public required FrameStamp Frame { get; init; }

    public required ImageStamp Image { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyList<string> Findings { get; init; } = [];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static EvidenceRecord FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<EvidenceRecord>(json, Json) ?? throw new JsonException("record is null");
}

public sealed record WorkOrderStamp(string Id, string Procedure);

public sealed record StepStamp(string Id, int Index, IReadOnlyDictionary<string, string> Names, bool Advanced);

public sealed record TriggerStamp(string Kind, string Source, string Input, DateTimeOffset EdgeTime, string? Operator);

/// <param name="AgeMs">Frame arrival minus trigger edge, in ms; negative means the frame came before the trigger.</param>
public sealed record FrameStamp(string CameraId, long Sequence, DateTimeOffset ArrivedAt, double AgeMs, int Width, int Height)
{
    /// <summary>Quality signals of the frame (sharpness, exposure, frozen, blank/covered, scene match); absent in older records.</summary>
    public Capture.Quality.FrameQuality? Quality { get; init; }
}

public sealed record ImageStamp(string Sha256, long Bytes, string ContentType = "image/jpeg");
