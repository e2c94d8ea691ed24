using System.Text;

namespace EdgeAgent.Collector;

/// <summary>
/// Turns a name from the wire (device id, work order, step) into one safe path segment. Names from the
/// wire are never used raw as paths; the result can never be empty, '.', '..' or contain a separator.
/// </summary>
public static class SafePath
{
    public static string Segment(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "_";
        }

        var builder = new StringBuilder(Math.Min(name.Length, 64));
        foreach (var c in name)
        {
            if (builder.Length == 64)
            {
                break;
            }

            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        return builder.ToString();
    }

    /// <summary>Joins segments under a root and proves the result stays inside it.</summary>
    public static string Under(string root, params string[] segments)
    {
        var fullRoot = Path.GetFullPath(root);
        var path = Path.GetFullPath(Path.Combine([fullRoot, .. segments.Select(Segment)]));
        if (!path.StartsWith(fullRoot.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new UnauthorizedAccessException($"refusing to write outside the collector root: {path}");
        }

        return path;
    }
}
