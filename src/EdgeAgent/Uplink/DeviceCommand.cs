using System.Text.Json;
using EdgeAgent.Configuration;

namespace EdgeAgent.Uplink;

/// <summary>
/// A validated command from the device's command topic, schema <c>edgeagent.command/1</c>. Parsing is
/// strict: invalid UTF-8, a member given twice, unknown commands, unknown fields, wrong types, over-long values or
/// an oversized payload are refused with a reason, and nothing is done.
/// </summary>
public sealed record DeviceCommand(string Name, string? Point, string? Step, string? WorkOrder, string? Operator, string? Requester, string? Reason)
{
    public const int MaxPayloadBytes = 4096;

    public const string CaptureNow = "capture-now";
    public const string Snapshot = "snapshot";
    public const string Status = "status";
    public const string StartWorkOrder = "start-work-order";
    public const string AbortWorkOrder = "abort-work-order";

    public static readonly IReadOnlyList<string> Names = [CaptureNow, Snapshot, Status, StartWorkOrder, AbortWorkOrder];

    /// <summary>The <c>schema</c> a command may carry, like every other message of the protocol; optional, but no other value is accepted.</summary>
    public const string Schema = "edgeagent.command/1";

    private static readonly HashSet<string> Fields = ["schema", "command", "point", "step", "workOrder", "operator", "requester", "reason"];

    /// <summary>Parses and validates; on failure returns null and a reason that names the offending field.</summary>
    public static DeviceCommand? TryParse(ReadOnlySpan<byte> payload, out string error)
    {
        error = "";
        if (payload.Length > MaxPayloadBytes)
        {
            error = $"command is {payload.Length} bytes; the limit is {MaxPayloadBytes}";
            return null;
        }

        if (Protocol.StrictJson.Check(payload, maxDepth: 4) is { } problem)
        {
            error = $"command {problem}"; // invalid UTF-8 or a member twice: never "last one wins"
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray(), new JsonDocumentOptions { MaxDepth = 4 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = "command must be a JSON object";
                return null;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!Fields.Contains(property.Name))
                {
                    error = $"unknown field '{property.Name}'; allowed: {string.Join(", ", Fields)}";
                    return null;
                }

                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    error = $"field '{property.Name}' must be a string";
                    return null;
                }

                values[property.Name] = property.Value.GetString()!;
            }
        }
        catch (JsonException ex)
        {
            error = $"command is not valid JSON: {ex.Message}";
            return null;
        }

        if (values.TryGetValue("schema", out var schema) && schema != Schema)
        {
            error = $"unsupported schema '{schema}'; this device speaks {Schema}";
            return null;
        }

        if (!values.TryGetValue("command", out var name) || !Names.Contains(name))
        {
            error = $"field 'command' must be one of: {string.Join(", ", Names)}";
            return null;
        }

        foreach (var id in new[] { "point", "step", "workOrder" })
        {
            if (values.TryGetValue(id, out var value) && !System.Text.RegularExpressions.Regex.IsMatch(value, Identifiers.Pattern))
            {
                error = $"field '{id}' {Identifiers.Message}";
                return null;
            }
        }

        foreach (var text in new[] { "operator", "requester", "reason" })
        {
            if (values.TryGetValue(text, out var value) && (value.Length > 128 || value.Any(char.IsControl)))
            {
                error = $"field '{text}' must be at most 128 printable characters";
                return null;
            }
        }

        if (name is StartWorkOrder && !values.ContainsKey("workOrder"))
        {
            error = "start-work-order needs field 'workOrder'";
            return null;
        }

        return new DeviceCommand(name, values.GetValueOrDefault("point"), values.GetValueOrDefault("step"), values.GetValueOrDefault("workOrder"),
            values.GetValueOrDefault("operator"), values.GetValueOrDefault("requester"), values.GetValueOrDefault("reason"));
    }
}
