using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

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
    /// <exception cref="JsonException">The element has a duplicate member name (a duplicate of <paramref name="omit"/> at the top level is left out unseen).</exception>
    public static byte[] Canonicalize(JsonElement element, string? omit = null, int sizeHint = 4096)
    {
        var buffer = new ArrayBufferWriter<byte>(sizeHint);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, element, omit, null, out _, out _);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Both canonical forms of an element from one pass: the whole element (returned), and in <paramref name="without"/>
    /// the element leaving out its top-level member <paramref name="omit"/>, byte for byte what
    /// <see cref="Canonicalize(JsonElement, string?, int)"/> gives for each (the collector needs the chain hash over the
    /// whole record and the signed bytes without its <c>signature</c>).
    /// </summary>
    /// <exception cref="JsonException">The element has a duplicate member name, <paramref name="omit"/> included (as for the whole form).</exception>
    public static byte[] Canonicalize(JsonElement element, string omit, out byte[] without, int sizeHint = 4096)
    {
        ArgumentNullException.ThrowIfNull(omit);
        var buffer = new ArrayBufferWriter<byte>(sizeHint);
        long start, end;
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, element, null, omit, out start, out end);
        }

        var whole = buffer.WrittenSpan;
        if (start < 0)
        {
            without = whole.ToArray(); // nothing to leave out (two arrays all the same: neither caller shares the other's)
            return whole.ToArray();
        }

        // The member was written as ',"omit":value' after another member, or as '"omit":value' first; then the comma
        // that follows it (if another member follows) goes with it.
        var from = (int)start;
        var to = (int)end;
        if (whole[from] != (byte)',' && whole[to] == (byte)',')
        {
            to++;
        }

        var cut = new byte[whole.Length - (to - from)];
        whole[..from].CopyTo(cut);
        whole[to..].CopyTo(cut.AsSpan(from));
        without = cut;
        return whole.ToArray();
    }

    /// <summary>One member of an object being written: its name read once (<see cref="JsonProperty.Name"/> allocates on each read).</summary>
    private readonly record struct Member(string Name, JsonElement Value);

    /// <summary>Ordinal (UTF-16 code unit) order of the names read once.</summary>
    private sealed class ByName : IComparer<Member>
    {
        public static readonly ByName Instance = new();

        public int Compare(Member x, Member y) => string.CompareOrdinal(x.Name, y.Name);
    }

    /// <param name="omit">Top-level member left out (not looked at: a duplicate of it is not seen).</param>
    /// <param name="mark">Top-level member whose written byte range (its leading comma included) is returned in <paramref name="start"/> and <paramref name="end"/>; -1 when absent.</param>
    private static void Write(Utf8JsonWriter writer, JsonElement element, string? omit, string? mark, out long start, out long end)
    {
        start = end = -1;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = ArrayPool<Member>.Shared.Rent(Math.Max(1, element.GetPropertyCount()));
                var count = 0;
                try
                {
                    var sorted = true;
                    foreach (var property in element.EnumerateObject())
                    {
                        var name = property.Name;
                        if (omit is not null && name == omit)
                        {
                            continue;
                        }

                        if (count > 0 && string.CompareOrdinal(members[count - 1].Name, name) > 0)
                        {
                            sorted = false;
                        }

                        members[count++] = new Member(name, property.Value);
                    }

                    if (!sorted)
                    {
                        Array.Sort(members, 0, count, ByName.Instance);
                    }

                    writer.WriteStartObject();
                    for (var i = 0; i < count; i++)
                    {
                        var member = members[i];
                        if (i > 0 && member.Name == members[i - 1].Name)
                        {
                            throw new JsonException($"duplicate member '{member.Name}'");
                        }

                        var marked = mark is not null && member.Name == mark;
                        if (marked)
                        {
                            start = writer.BytesCommitted + writer.BytesPending;
                        }

                        writer.WritePropertyName(member.Name);
                        Write(writer, member.Value, null, null, out _, out _);
                        if (marked)
                        {
                            end = writer.BytesCommitted + writer.BytesPending;
                        }
                    }

                    writer.WriteEndObject();
                }
                finally
                {
                    members.AsSpan(0, count).Clear(); // no pooled array keeps a document alive
                    ArrayPool<Member>.Shared.Return(members);
                }

                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, null, null, out _, out _);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                // Without escapes the raw text is the value: re-escaped from UTF-8 by the same encoder, without a string.
                var raw = JsonMarshal.GetRawUtf8Value(element);
                var text = raw[1..^1];
                if (!text.Contains((byte)'\\') && Utf8.IsValid(text))
                {
                    writer.WriteStringValue(text);
                }
                else
                {
                    writer.WriteStringValue(element.GetString());
                }

                break;
            default:
                writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(element), skipInputValidation: true);
                break;
        }
    }
}
