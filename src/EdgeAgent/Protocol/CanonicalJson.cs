using System.Text.Encodings.Web;
using System.Text.Json;

namespace EdgeAgent.Protocol;

/// <summary>
/// The canonical form that signatures and chain hashes are computed over: UTF-8 JSON without whitespace,
/// object members sorted by ordinal (UTF-16 code unit) order of their names, numbers written exactly as
/// they appear in the input, strings re-escaped minimally (only <c>"</c>, <c>\</c> and control characters;
/// everything else as UTF-8). For the text the agent writes this coincides with RFC 8785 (JCS).
/// Duplicate member names are rejected, so no two parsers can disagree on what was signed.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    /// <summary>Canonical bytes of <paramref name="json"/>, leaving out the top-level member <paramref name="omit"/> if given.</summary>
    /// <exception cref="JsonException">The input is not JSON or has a duplicate member name.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> json, string? omit = null)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        return Canonicalize(document.RootElement, omit, json.Length);
    }

    /// <summary>Canonical bytes of an element already parsed (the collector parses a record once for every use), leaving out the top-level member <paramref name="omit"/> if given.</summary>
    /// <exception cref="JsonException">The element has a duplicate member name.</exception>
    public static byte[] Canonicalize(JsonElement element, string? omit = null, int sizeHint = 4096)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(sizeHint);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, element, omit);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, string? omit)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = element.EnumerateObject().Where(p => p.Name != omit).ToList();
                members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                writer.WriteStartObject();
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0 && members[i].Name == members[i - 1].Name)
                    {
                        throw new JsonException($"duplicate member '{members[i].Name}'");
                    }

                    writer.WritePropertyName(members[i].Name);
                    Write(writer, members[i].Value, null);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, null);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            default:
                writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                break;
        }
    }
}
