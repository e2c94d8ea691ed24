using System.Text.Encodings.Web;
using System.Text.Json;

namespace EdgeAgent.Tests.Protocol;

/// <summary>
/// Reference copy, for tests only, of <see cref="CanonicalJson"/>'s algorithm as it was before the collector's read was
/// made cheaper (main 63ae389): a LINQ filter and a sort that reads <see cref="JsonProperty.Name"/> on each comparison,
/// one write per form. The tests prove the current code writes the same bytes and rejects the same inputs.
/// </summary>
internal static class ReferenceCanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

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
