using System.Text.Json;
using System.Text.Unicode;

namespace EdgeAgent.Protocol;

/// <summary>
/// The rules every JSON request to the agent meets before it is read (MQTT commands and the control socket alike):
/// valid UTF-8, well-formed, and no object with the same member twice. System.Text.Json would otherwise let the
/// last duplicate win, so <c>{"command":"status","command":"capture-now"}</c> would run a capture.
/// </summary>
public static class StrictJson
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Null when <paramref name="utf8"/> meets the rules, else what is wrong, naming the member.</summary>
    public static string? Check(ReadOnlySpan<byte> utf8, int maxDepth = 8)
    {
        if (!Utf8.IsValid(utf8))
        {
            return "is not valid UTF-8";
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
        var members = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        members.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        members.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!members.Peek().Add(name))
                        {
                            return $"has duplicate member '{name}'; each member may appear once";
                        }

                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            return $"is not valid JSON: {ex.Message}";
        }

        return null;
    }

    /// <summary>Reads a request body of at most <paramref name="maxBytes"/> and binds it once it meets the rules.</summary>
    public static async Task<(T? Value, string? Error)> ReadAsync<T>(Stream body, int maxBytes, CancellationToken cancellationToken = default)
        where T : class
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                return (null, $"request body is over {maxBytes} bytes");
            }
        }

        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (Check(bytes) is { } problem)
        {
            return (null, $"request body {problem}");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Web) is { } value ? (value, null) : (null, "request body must be a JSON object");
        }
        catch (JsonException ex)
        {
            return (null, $"request body does not match the request: {ex.Message}");
        }
    }
}
