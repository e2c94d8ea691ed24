using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Health;

/// <summary>The JSON shape of health everywhere it leaves the process: camelCase, nulls kept, enums as strings.</summary>
public static class HealthJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
