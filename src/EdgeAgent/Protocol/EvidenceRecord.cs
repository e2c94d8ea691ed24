using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Protocol;

/// <summary>
/// One photographed moment of a job. Schema <c>edgeagent.evidence/2</c> (written) or <c>/1</c> (still read and
/// verified), documented in docs/protocol.md. The image travels separately; this record carries its SHA-256.
/// </summary>
public sealed record EvidenceRecord
{
    /// <summary>Frames stated their arrival age (<c>frame.ageMs</c>) only.</summary>
    public const string SchemaV1 = "edgeagent.evidence/1";

    /// <summary>Frames state when they were produced (<c>producedAt</c>, <c>producedBasis</c>, <c>offsetMs</c>, <c>role</c>, <c>late</c>); lock records name the lock's holder.</summary>
    public const string SchemaV2 = "edgeagent.evidence/2";

    /// <summary>The schemas this code reads and verifies.</summary>
    public static IReadOnlyList<string> KnownSchemas { get; } = [SchemaV1, SchemaV2];

    public string Schema { get; init; } = SchemaV2;

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

    /// <summary>Set on a clip record: <see cref="Image"/> is then an MP4 video (<c>video/mp4</c>), not a photo.</summary>
    public ClipStamp? Clip { get; init; }

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

public sealed record TriggerStamp(string Kind, string Source, string Input, DateTimeOffset EdgeTime, string? Operator)
{
    /// <summary>
    /// For lock-on and lock-off (schema /2): the worker whose personal lock this is (the input's configured
    /// holder, or the badge scanned at the point just before the lock closed), or <c>unknown</c>.
    /// </summary>
    public string? Holder { get; init; }
}

/// <summary>The frame a record shows. Schema /2 states when it was produced; /1 records carry <see cref="AgeMs"/> instead.</summary>
public sealed record FrameStamp(string CameraId, long Sequence, DateTimeOffset ArrivedAt, int Width, int Height)
{
    /// <summary>Schema /1 only: frame arrival minus trigger edge, in ms (negative = arrived before the trigger).</summary>
    public double? AgeMs { get; init; }

    /// <summary>Best estimate of when the camera captured the frame (schema /2).</summary>
    public DateTimeOffset? ProducedAt { get; init; }

    /// <summary>How <see cref="ProducedAt"/> was found (schema /2).</summary>
    public ProducedBasis? ProducedBasis { get; init; }

    /// <summary><see cref="ProducedAt"/> minus <c>trigger.edgeTime</c>, in ms; negative = produced before the trigger (schema /2).</summary>
    public double? OffsetMs { get; init; }

    /// <summary><c>pre</c>, <c>at</c> or <c>post</c> (schema /2).</summary>
    public Protocol.FrameRole? Role { get; init; }

    /// <summary>Set when the photo was taken late, after the camera came back (schema /2).</summary>
    public LateStamp? Late { get; init; }

    /// <summary>Quality signals of the frame (sharpness, exposure, frozen, blank/covered, scene match); absent in older records.</summary>
    public Protocol.FrameQuality? Quality { get; init; }

    /// <summary>
    /// Offset of the frame from its trigger in ms, negative = before, whichever schema: /2 <see cref="OffsetMs"/>
    /// (production), /1 <see cref="AgeMs"/> (arrival).
    /// </summary>
    [JsonIgnore]
    public double? OffsetFromTriggerMs => OffsetMs ?? AgeMs;
}

/// <summary>A step photo taken late: the camera had no frame after the edge in time, and this one came when it returned.</summary>
/// <param name="DelayMs">How much later than the edge the frame was produced, in ms.</param>
/// <param name="Reason">Why the photo is late (the camera's state at the trigger).</param>
public sealed record LateStamp(double DelayMs, string Reason);

public sealed record ImageStamp(string Sha256, long Bytes, string ContentType = "image/jpeg");
