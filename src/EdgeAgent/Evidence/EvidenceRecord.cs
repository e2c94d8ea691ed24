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

    /// <summary>Whether the wall clock could be trusted when this record was made.</summary>
    public ClockStamp? Clock { get; init; }

    /// <summary>
    /// Lower-case hex SHA-256 of the canonical bytes of the previous record of the same device, signature
    /// included (<see cref="EvidenceSignature.RecordHash"/>); 64 zeros for sequence 1.
    /// </summary>
    public string? PrevHash { get; init; }

    /// <summary>ECDSA P-256 signature over the canonical bytes of this record without this field.</summary>
    public SignatureStamp? Signature { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // Chinese step names stay readable

        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static EvidenceRecord FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<EvidenceRecord>(json, Json) ?? throw new JsonException("record is null");
}

/// <summary>The job a record belongs to.</summary>
public sealed record WorkOrderStamp(string Id, string Procedure)
{
    public int ProcedureVersion { get; init; } = 1;

    /// <summary><c>open</c>, <c>completed</c> (this record is of the last step) or <c>aborted</c>.</summary>
    public string Status { get; init; } = "open";

    /// <summary>How the work order began: <c>scan</c>, <c>badge</c>, <c>command</c>, <c>lock</c>, <c>manual</c>.</summary>
    public string? StartedBy { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public IReadOnlyList<string> Operators { get; init; } = [];

    public string? AbortReason { get; init; }
}

public sealed record StepStamp(string Id, int Index, IReadOnlyDictionary<string, string> Names, bool Advanced)
{
    /// <summary>When the job entered this step (wall clock).</summary>
    public DateTimeOffset? EnteredAt { get; init; }

    /// <summary>Photo number within the step for this camera (1-based) and how many the template asks for.</summary>
    public int Photo { get; init; } = 1;

    public int PhotosRequired { get; init; } = 1;
}

public sealed record TriggerStamp(string Kind, string Source, string Input, DateTimeOffset EdgeTime, string? Operator);

/// <param name="AgeMs">Frame arrival minus trigger edge, in ms; negative means the frame came before the trigger.</param>
public sealed record FrameStamp(string CameraId, long Sequence, DateTimeOffset ArrivedAt, double AgeMs, int Width, int Height)
{
    /// <summary>Quality signals of the frame (sharpness, exposure, frozen, blank/covered, scene match); absent in older records.</summary>
    public Capture.Quality.FrameQuality? Quality { get; init; }
}

public sealed record ImageStamp(string Sha256, long Bytes, string ContentType = "image/jpeg");
