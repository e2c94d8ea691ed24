using System.ComponentModel;
using Microsoft.Extensions.Configuration;

namespace EdgeAgent.Configuration;

/// <summary>
/// Strict reading of the configuration before it is bound: every key must be one the options know
/// (<c>Gpoi</c> is refused with "did you mean Gpio"), and every value must convert to its member's type
/// (<c>Cameras:0:Fps: "ten" is not a whole number</c>). The binder alone ignores unknown keys and, inside lists,
/// drops a whole element over one bad value, which once started the agent with no lock inputs at all.
/// Environment overrides (<c>EDGEAGENT__…</c>) are checked the same way, since they arrive in the same tree.
/// </summary>
public static class ConfigKeyCheck
{
    /// <summary>Every unknown key and every value of the wrong type, each naming its full key.</summary>
    public static IReadOnlyList<string> Check(IConfiguration configuration, Type optionsType)
    {
        var errors = new List<string>();
        CheckObject(configuration.GetChildren(), optionsType, "", errors, root: true);
        return errors;
    }

    private static void CheckObject(IEnumerable<IConfigurationSection> sections, Type type, string prefix, List<string> errors, bool root = false)
    {
        var members = ConfigShape.Members(type);
        foreach (var section in sections)
        {
            if (root && ConfigShape.HostSections.Contains(section.Key))
            {
                continue;
            }

            if (!members.TryGetValue(section.Key, out var member))
            {
                var near = Nearest(section.Key, members.Keys);
                errors.Add(near is null
                    ? $"{prefix}{section.Key}: unknown key; valid here: {string.Join(", ", members.Keys.Order(StringComparer.Ordinal))}"
                    : $"{prefix}{section.Key}: unknown key; did you mean {prefix}{near}?");
                continue;
            }

            CheckValue(section, member.PropertyType, prefix + member.Name, errors);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, string key, List<string> errors)
    {
        var children = section.GetChildren().ToList();
        if (ConfigShape.IsScalar(type))
        {
            if (children.Count > 0)
            {
                errors.Add($"{key}: expected {ConfigShape.Describe(type)}, found an object or a list");
            }
            else if (section.Value is { } text && !Converts(text, type))
            {
                errors.Add($"{key}: \"{text}\" is not {ConfigShape.Describe(type)}");
            }

            return;
        }

        if (children.Count == 0)
        {
            // An empty object or list reads as null; a scalar where an object or list belongs does not.
            if (!string.IsNullOrEmpty(section.Value))
            {
                errors.Add($"{key}: expected {ConfigShape.Describe(type)}, found \"{section.Value}\"");
            }

            return;
        }

        if (ConfigShape.ListElement(type) is { } element)
        {
            foreach (var child in children)
            {
                if (!int.TryParse(child.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    errors.Add($"{key}: expected a list, found an object with key \"{child.Key}\"");
                    return;
                }

                CheckValue(child, element, $"{key}:{child.Key}", errors);
            }

            return;
        }

        CheckObject(children, type, key + ":", errors);
    }

    private static bool Converts(string text, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string) || (text.Length == 0 && target != type))
        {
            return true;
        }

        try
        {
            // The same converter the binder uses, so "accepted here" means "bound there".
            TypeDescriptor.GetConverter(target).ConvertFromInvariantString(text);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException or OverflowException || ex.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>The valid name closest to <paramref name="key"/> when it is plausibly a typo (edit distance at most 1, or a third of its length).</summary>
    public static string? Nearest(string key, IEnumerable<string> valid)
    {
        var best = valid.Select(v => (Name: v, Distance: Distance(key.ToUpperInvariant(), v.ToUpperInvariant()))).OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(1, key.Length / 3) ? best.Name : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
