using System.Collections;
using System.Reflection;

namespace EdgeAgent.Configuration;

/// <summary>
/// What an options type accepts, read from the type itself: its settable members, and for each member whether it
/// is a scalar (and of which kind), an object or a list. Both the strict key check (<see cref="ConfigKeyCheck"/>) and
/// the JSON Schema (<see cref="ConfigSchema"/>) come from here, so they cannot disagree with the binder.
/// </summary>
public static class ConfigShape
{
    /// <summary>Sections bound by the host rather than by <see cref="EdgeAgentOptions"/>, accepted as they are.</summary>
    public static readonly IReadOnlySet<string> HostSections = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Logging", "$schema" };

    /// <summary>The members the binder fills, by name (case-insensitive, as the binder matches them).</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> Members(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.CanWrite || ListElement(p.PropertyType) is not null))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The element type when <paramref name="type"/> is a list the binder fills, else null.</summary>
    public static Type? ListElement(Type type) =>
        type != typeof(string) && type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1
            ? type.GetGenericArguments()[0]
            : type.IsArray ? type.GetElementType() : null;

    /// <summary>True for values written as one JSON scalar: text, numbers, booleans, enums.</summary>
    public static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);
    }

    /// <summary>How a value of <paramref name="type"/> is described to a person: "a whole number", "true or false"…</summary>
    public static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(byte) => "a whole number",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
            _ when type == typeof(TimeSpan) => "a duration such as \"00:00:30\"",
            _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
            _ when type == typeof(string) => "text",
            _ when ListElement(type) is not null => "a list",
            _ => "an object",
        };
    }
}
