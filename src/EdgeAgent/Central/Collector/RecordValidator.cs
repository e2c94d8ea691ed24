using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using EdgeAgent.Configuration;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// Checks a record message before anything uses it: size, JSON depth, no duplicate members, the required
/// members with their types, identifier patterns, and a length limit on every string and array anywhere in
/// it. Schemas <c>edgeagent.evidence/1</c> and <c>/2</c> are accepted; members it does not know are
/// tolerated within those limits, so a newer frame stamp (<c>producedAt</c>, <c>role</c>, …) passes. A
/// record that fails can never be stored: the collector dead-letters it and answers <c>rejected</c>.
/// </summary>
public static partial class RecordValidator
{
    public static readonly IReadOnlySet<string> Schemas = new HashSet<string>(StringComparer.Ordinal) { "edgeagent.evidence/1", "edgeagent.evidence/2" };

    /// <summary>Largest record message; a real one is 2–4 KiB.</summary>
    public const int MaxRecordBytes = 64 * 1024;

    /// <summary>Longest string anywhere in a record (step names, reasons); identifiers have tighter limits.</summary>
    public const int MaxStringLength = 1024;

    /// <summary>Most items in any array, and members in any object.</summary>
    public const int MaxItems = 256;

    private const int MaxDepth = 8;
    private const int MaxNameLength = 128;

    /// <summary>Null when the record may be used; else why it can never be stored.</summary>
    public static string? Problem(ReadOnlySpan<byte> json)
    {
        var problem = Problem(json.ToArray(), out var document);
        document?.Dispose();
        return problem;
    }

    /// <summary>
    /// Null when the record may be used, with <paramref name="document"/> the parsed record (the caller's to dispose:
    /// binding, chain hash and signature read it instead of parsing again); else why it can never be stored.
    /// </summary>
    /// <param name="json">Not copied: the document reads it while it lives.</param>
    public static string? Problem(byte[] json, out JsonDocument? document)
    {
        document = null;
        if (json.Length > MaxRecordBytes)
        {
            return $"record is {json.Length} bytes; the limit is {MaxRecordBytes}";
        }

        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json.AsMemory(), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            return $"record is not valid JSON: {ex.Message}";
        }

        var root = parsed.RootElement;
        var problem = root.ValueKind != JsonValueKind.Object
            ? "record is not a JSON object"
            : Limits(root, "") ?? Members(root);
        if (problem is not null)
        {
            parsed.Dispose();
            return problem;
        }

        document = parsed;
        return null;
    }

    /// <summary>Record id and sequence when the message carries them validly (to address a <c>rejected</c> receipt).</summary>
    public static (Guid RecordId, long Sequence)? Identity(ReadOnlySpan<byte> json)
    {
        try
        {
            // Any size the broker delivers (bounded by the Maximum Packet Size), the default depth (64): an
            // oversize or too-deep record still gets its answer.
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object &&
                   root.TryGetProperty("recordId", out var id) && id.ValueKind == JsonValueKind.String && Guid.TryParse(id.GetString(), out var recordId) &&
                   root.TryGetProperty("sequence", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var sequence)
                ? (recordId, sequence)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Members(JsonElement root)
    {
        return Require(root, "schema", e => e.ValueKind == JsonValueKind.String && Schemas.Contains(e.GetString()!), $"one of {string.Join(", ", Schemas)}")
            ?? Require(root, "recordId", e => e.ValueKind == JsonValueKind.String && Guid.TryParse(e.GetString(), out _), "a UUID string")
            ?? Require(root, "sequence", e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var s) && s >= 1, "an integer ≥ 1")
            ?? Require(root, "deviceId", IsIdentifier, IdentifierRule)
            ?? Require(root, "siteId", IsIdentifier, IdentifierRule)
            ?? Require(root, "pointId", IsName, NameRule)
            ?? Require(root, "createdAt", IsTimestamp, "an ISO 8601 date-time")
            ?? Object(root, "workOrder", w =>
                Require(w, "id", IsName, NameRule) ??
                Require(w, "procedure", IsName, NameRule) ??
                Optional(w, "status", e => e.ValueKind == JsonValueKind.String, "a string") ??
                Optional(w, "operators", e => IsArrayOf(e, JsonValueKind.String), "an array of strings"))
            ?? Object(root, "step", s =>
                Require(s, "id", IsFileNamePart, FileNamePartRule) ??
                Require(s, "index", IsInt32, "an integer") ??
                Require(s, "names", IsStringMap, "an object of strings") ??
                Require(s, "advanced", e => e.ValueKind is JsonValueKind.True or JsonValueKind.False, "true or false"))
            ?? Object(root, "trigger", t =>
                Require(t, "kind", e => e.ValueKind == JsonValueKind.String, "a string") ??
                Require(t, "source", e => e.ValueKind == JsonValueKind.String, "a string") ??
                Require(t, "input", e => e.ValueKind == JsonValueKind.String, "a string") ??
                Require(t, "edgeTime", IsTimestamp, "an ISO 8601 date-time") ??
                Optional(t, "operator", e => e.ValueKind == JsonValueKind.String, "a string") ??
                Optional(t, "holder", e => e.ValueKind == JsonValueKind.String, "a string"))
            ?? Object(root, "frame", f =>
                Require(f, "cameraId", IsFileNamePart, FileNamePartRule) ??
                Require(f, "sequence", e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out _), "an integer") ??
                Require(f, "width", IsInt32, "an integer") ??
                Require(f, "height", IsInt32, "an integer"))
            ?? Object(root, "image", i =>
                Require(i, "sha256", IsSha256, "64 lower-case hex digits") ??
                Require(i, "bytes", e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var b) && b >= 0, "an integer ≥ 0") ??
                Optional(i, "contentType", e => e.ValueKind == JsonValueKind.String, "a string"))
            ?? Clip(root)
            ?? Optional(root, "findings", e => IsArrayOf(e, JsonValueKind.String), "an array of strings")
            ?? Optional(root, "prevHash", IsSha256, "64 lower-case hex digits")
            ?? Optional(root, "clock", e => e.ValueKind == JsonValueKind.Object, "an object")
            ?? Optional(root, "signature", s => s.ValueKind == JsonValueKind.Object && IsStringMember(s, "alg") && IsStringMember(s, "keyId") && IsStringMember(s, "value"), "an object with alg, keyId and value strings");
    }

    /// <summary>A clip record (optional member <c>clip</c>) carries an MP4: its image's content type says so, and its span is stated.</summary>
    private static string? Clip(JsonElement root)
    {
        if (!root.TryGetProperty("clip", out var clip) || clip.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var contentType = root.GetProperty("image").TryGetProperty("contentType", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        return contentType != Protocol.ClipStamp.ContentType
            ? $"'image.contentType' must be {Protocol.ClipStamp.ContentType} on a clip record, not {(contentType is null ? "absent" : $"\"{contentType}\"")}"
            : Object(root, "clip", k =>
                Require(k, "codec", e => e.ValueKind == JsonValueKind.String && e.GetString() is "h264" or "h265", "h264 or h265") ??
                Require(k, "firstProducedAt", IsTimestamp, "an ISO 8601 date-time") ??
                Require(k, "lastProducedAt", IsTimestamp, "an ISO 8601 date-time") ??
                Require(k, "frames", e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var n) && n >= 1, "an integer ≥ 1") ??
                Require(k, "from", IsTimestamp, "an ISO 8601 date-time") ??
                Require(k, "to", IsTimestamp, "an ISO 8601 date-time"));
    }

    private const string IdentifierRule = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private const string FileNamePartRule = "a string without control characters whose path encoding is 1-100 characters";

    private const string NameRule = $"a string of 1-128 characters without control characters, whose path segment fits";

    private static string? Require(JsonElement parent, string name, Func<JsonElement, bool> valid, string expected) =>
        !parent.TryGetProperty(name, out var value) ? $"'{name}' is required ({expected})"
        : !valid(value) ? $"'{name}' must be {expected}, not {Describe(value)}"
        : null;

    private static string? Optional(JsonElement parent, string name, Func<JsonElement, bool> valid, string expected) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null && !valid(value) ? $"'{name}' must be {expected} or absent, not {Describe(value)}" : null;

    private static string? Object(JsonElement parent, string name, Func<JsonElement, string?> members) =>
        !parent.TryGetProperty(name, out var value) ? $"'{name}' is required (an object)"
        : value.ValueKind != JsonValueKind.Object ? $"'{name}' must be an object, not {Describe(value)}"
        : members(value) is { } problem ? $"{name}.{problem.TrimStart('\'')}".Insert(0, "'")
        : null;

    private static bool IsIdentifier(JsonElement e) => e.ValueKind == JsonValueKind.String && IdentifierRegex().IsMatch(e.GetString()!);

    private static bool IsName(JsonElement e) =>
        e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 and <= MaxNameLength } s && !HasControl(s) && SafePath.Fits(s);

    private static bool IsFileNamePart(JsonElement e) =>
        e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s && !HasControl(s) && SafePath.Fits(s, SafePath.MaxFileNamePartLength);

    /// <summary>Whether any character is a control character (<see cref="char.IsControl(char)"/>: U+0000–U+001F, U+007F–U+009F).</summary>
    private static bool HasControl(string s) => s.AsSpan().IndexOfAnyInRange('\u0000', '\u001f') >= 0 || s.AsSpan().IndexOfAnyInRange('\u007f', '\u009f') >= 0;

    private static bool IsInt32(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _);

    private static bool IsTimestamp(JsonElement e) =>
        e.ValueKind == JsonValueKind.String && e.GetString() is { } s &&
        (IsPlainTimestamp(s) || DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _));

    /// <summary>
    /// A shortcut for the timestamps the agent writes (<c>2026-11-25T08:00:01.06+00:00</c>): true only for
    /// <c>yyyy-MM-ddTHH:mm:ss[.f{1,7}](Z|±hh:mm)</c> with every field in range and years 2–9998 (no offset can take it
    /// out of range), all of which <see cref="DateTimeOffset.TryParse(string?, IFormatProvider?, DateTimeStyles, out DateTimeOffset)"/>
    /// accepts; anything else is left to it.
    /// </summary>
    private static bool IsPlainTimestamp(string s)
    {
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
            !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day) ||
            !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second) ||
            year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var i = 19;
        if (s[i] == '.')
        {
            var first = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i - first is < 1 or > 7)
            {
                return false;
            }
        }

        return (i == s.Length - 1 && s[i] == 'Z') ||
               (i == s.Length - 6 && s[i] is '+' or '-' && s[i + 3] == ':' && Digits(s, i + 1, 2, out var offsetHours) && Digits(s, i + 4, 2, out var offsetMinutes) &&
                offsetMinutes <= 59 && (offsetHours < 14 || (offsetHours == 14 && offsetMinutes == 0)));
    }

    private static bool Digits(string s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }

    private static bool IsSha256(JsonElement e) => e.ValueKind == JsonValueKind.String && Sha256Regex().IsMatch(e.GetString()!);

    private static bool IsArrayOf(JsonElement e, JsonValueKind kind) => e.ValueKind == JsonValueKind.Array && e.EnumerateArray().All(i => i.ValueKind == kind);

    private static bool IsStringMap(JsonElement e) => e.ValueKind == JsonValueKind.Object && e.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String);

    private static bool IsStringMember(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String;

    /// <summary>Every string, name, array and object anywhere: bounded; no duplicate member names.</summary>
    /// <remarks>
    /// A member's or item's path is built only to descend into it or to name it in a refusal, and a string is read as
    /// text only when its raw bytes could exceed the limit or might not transcode (the refusals are the same).
    /// </remarks>
    private static string? Limits(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String when element.GetString()!.Length > MaxStringLength:
                return $"'{path}' is {element.GetString()!.Length} characters; the limit is {MaxStringLength}";
            case JsonValueKind.Array:
                var length = element.GetArrayLength();
                if (length > MaxItems)
                {
                    return $"'{path}' has {length} items; the limit is {MaxItems}";
                }

                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var at = index++;
                    if (!WithinLimitsAlone(item) && Limits(item, $"{path}[{at}]") is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.Object:
                return MemberLimits(element, path);
            default:
                return null;
        }
    }

    /// <summary>Objects up to this many members look for a duplicate name among the names before (no set is built).</summary>
    private const int SmallObject = 32;

    private static string? MemberLimits(JsonElement element, string path)
    {
        var names = element.GetPropertyCount() > SmallObject ? new HashSet<string>(StringComparer.Ordinal) : null;
        var before = names is null ? ArrayPool<string>.Shared.Rent(SmallObject) : null;
        var count = 0;
        try
        {
            foreach (var member in element.EnumerateObject())
            {
                var name = member.Name;
                if (name.Length > MaxNameLength)
                {
                    return $"a member name under '{path}' is {name.Length} characters; the limit is {MaxNameLength}";
                }

                if (names is not null ? !names.Add(name) : Array.IndexOf(before!, name, 0, count) >= 0)
                {
                    return $"'{MemberPath(path, name)}' appears twice";
                }

                if (before is not null)
                {
                    before[count] = name;
                }

                if (++count > MaxItems)
                {
                    return $"'{path}' has more than {MaxItems} members";
                }

                if (!WithinLimitsAlone(member.Value) && Limits(member.Value, MemberPath(path, name)) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }
        finally
        {
            if (before is not null)
            {
                Array.Clear(before, 0, count);
                ArrayPool<string>.Shared.Return(before);
            }
        }
    }

    private static string MemberPath(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>
    /// True when <see cref="Limits"/> has nothing to say of <paramref name="value"/> without reading it as text: a number,
    /// literal, or a string whose raw UTF-8 (no escapes, valid, so it transcodes as <see cref="JsonElement.GetString"/>
    /// would) is no longer than the limit (a UTF-16 string is never longer than its UTF-8).
    /// </summary>
    private static bool WithinLimitsAlone(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object or JsonValueKind.Array:
                return false;
            case JsonValueKind.String:
                var raw = JsonMarshal.GetRawUtf8Value(value);
                var text = raw[1..^1];
                return text.Length <= MaxStringLength && !text.Contains((byte)'\\') && Utf8.IsValid(text);
            default:
                return true;
        }
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.String => e.GetString()!.Length > 40 ? $"a {e.GetString()!.Length}-character string" : $"\"{e.GetString()}\"",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => $"a {e.ValueKind.ToString().ToLowerInvariant()}",
    };

    [GeneratedRegex(Identifiers.Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierRegex();

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Regex();
}
