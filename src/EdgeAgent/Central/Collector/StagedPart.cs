using System.Globalization;

namespace EdgeAgent.Central.Collector;

/// <summary>One staged part: chunk <paramref name="Index"/> of <paramref name="Count"/>, <paramref name="Length"/> bytes.</summary>
public sealed record StagedPart(int Index, int Count, long Length)
{
    /// <summary>The part's file or object name, <c>{index:D6}.{count:D6}.part</c>.</summary>
    public static string Name(int index, int count) => string.Create(CultureInfo.InvariantCulture, $"{index:D6}.{count:D6}.part");

    /// <summary>Index and count from a part's name, or null when it is not one.</summary>
    public static (int Index, int Count)? ParseName(string name)
    {
        var parts = name.Split('.');
        return parts.Length == 3 && parts[2] == "part" && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? (index, count) : null;
    }
}
