using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Protocol;

/// <summary>
/// The collector's end-to-end acknowledgement, schema <c>edgeagent.receipt/1</c>, published on the
/// device's receipt topic after the record is durably stored. Only a receipt removes a record from the outbox.
/// </summary>
public sealed record Receipt
{
    public const string SchemaV1 = "edgeagent.receipt/1";

    /// <summary>Largest receipt the device parses; anything bigger is ignored.</summary>
    public const int MaxBytes = 16 * 1024;

    public string Schema { get; init; } = SchemaV1;

    public required Guid RecordId { get; init; }

    public required long Sequence { get; init; }

    public required ReceiptStatus Status { get; init; }

    /// <summary>For <see cref="ReceiptStatus.Incomplete"/>: the chunk indexes the collector does not have.</summary>
    public IReadOnlyList<int>? Missing { get; init; }

    /// <summary>For <see cref="ReceiptStatus.Rejected"/>: why, for people.</summary>
    public string? Reason { get; init; }

    /// <summary>The device the receipt is for, so a signed receipt cannot be replayed to another device.</summary>
    public string? DeviceId { get; init; }

    /// <summary>The collector's ES256 signature over the canonical bytes without this member (<see cref="ReceiptSignature"/>).</summary>
    public Protocol.SignatureStamp? Signature { get; init; }

    /// <summary>Stored or already stored: the device may forget the record.</summary>
    [JsonIgnore]
    public bool IsFinal => Status is ReceiptStatus.Stored or ReceiptStatus.Duplicate;

    /// <summary>The receipt JSON options, shared with <see cref="ReceiptBatch"/>.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Parses a receipt; null when the payload is not one (too big, not JSON, wrong schema).</summary>
    public static Receipt? TryParse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxBytes)
        {
            return null;
        }

        try
        {
            var receipt = JsonSerializer.Deserialize<Receipt>(payload, Json);
            return receipt?.Schema == SchemaV1 ? receipt : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
