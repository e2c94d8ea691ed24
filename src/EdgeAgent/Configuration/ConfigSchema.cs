using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;

namespace EdgeAgent.Configuration;

/// <summary>
/// The JSON Schema (draft 2020-12) of <c>edgeagent.json</c>, generated from the options types and their data
/// annotations: member types, ranges, allowed values, patterns and required members. Shipped as
/// <c>deploy/edgeagent.schema.json</c> (a test keeps the file equal to this output) so editors complete and check
/// the file; the agent itself enforces the same rules at start-up.
/// </summary>
public static class ConfigSchema
{
    public const string FileName = "edgeagent.schema.json";

    public static JsonObject Generate()
    {
        var schema = ObjectSchema(typeof(EdgeAgentOptions));
        var properties = (JsonObject)schema["properties"]!;
        properties["$schema"] = new JsonObject { ["type"] = "string", ["description"] = "This schema, for editors." };
        properties["Logging"] = new JsonObject { ["type"] = "object", ["description"] = "Microsoft.Extensions.Logging levels, e.g. {\"LogLevel\": {\"Default\": \"Information\"}}." };
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "EdgeAgent configuration (/etc/edgeagent/edgeagent.json)",
        };
        foreach (var (key, value) in schema)
        {
            root[key] = value?.DeepClone();
        }

        return root;
    }

    private static JsonObject ObjectSchema(Type type)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var (name, member) in ConfigShape.Members(type).OrderBy(m => m.Value.MetadataToken))
        {
            properties[name] = MemberSchema(member.PropertyType, member);
            if (member.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        return schema;
    }

    private static JsonObject MemberSchema(Type type, PropertyInfo? member)
    {
        var nullable = Nullable.GetUnderlyingType(type) is not null || (member is not null && new NullabilityInfoContext().Create(member).WriteState == NullabilityState.Nullable);
        type = Nullable.GetUnderlyingType(type) ?? type;
        JsonObject schema;
        if (ConfigShape.IsScalar(type))
        {
            var jsonType = type == typeof(bool) ? "boolean" : ConfigShape.Describe(type) == "a whole number" ? "integer" : ConfigShape.Describe(type) == "a number" ? "number" : "string";
            schema = new JsonObject { ["type"] = nullable ? new JsonArray(jsonType, "null") : jsonType };
            if (member?.GetCustomAttribute<RangeAttribute>() is { } range)
            {
                schema["minimum"] = JsonValue.Create(Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture));
                schema["maximum"] = JsonValue.Create(Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture));
            }

            if (member?.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
            {
                schema["enum"] = new JsonArray([.. allowed.Values.Select(v => JsonValue.Create(v?.ToString()))]);
            }

            if (member?.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern)
            {
                schema["pattern"] = pattern.Pattern;
            }

            if (type.IsEnum)
            {
                schema["enum"] = new JsonArray([.. Enum.GetNames(type).Select(n => JsonValue.Create(n))]);
            }
        }
        else if (ConfigShape.ListElement(type) is { } element)
        {
            schema = new JsonObject { ["type"] = "array", ["items"] = MemberSchema(element, null) };
        }
        else
        {
            schema = ObjectSchema(type);
        }

        return schema;
    }
}
