using System.Globalization;

namespace EdgeAgent.Health;

/// <summary>
/// Reads <c>/sys/class/thermal/thermal_zone*/temp</c> (millidegrees). Prefers a zone whose type names the
/// CPU or SoC (Raspberry Pi: <c>cpu-thermal</c>), else the first readable zone.
/// </summary>
public sealed class SysfsThermalProbe(string root = "/sys/class/thermal") : IThermalProbe
{
    public double? ReadCelsius()
    {
        if (!Directory.Exists(root))
        {
            return null;
        }

        var zones = Directory.GetDirectories(root, "thermal_zone*").Order(StringComparer.Ordinal).ToList();
        var preferred = zones.Where(z => ReadType(z) is { } type && (type.Contains("cpu", StringComparison.OrdinalIgnoreCase) || type.Contains("soc", StringComparison.OrdinalIgnoreCase) || type.Contains("x86_pkg", StringComparison.OrdinalIgnoreCase)));
        foreach (var zone in preferred.Concat(zones))
        {
            if (ReadMilli(zone) is { } milli)
            {
                return milli / 1000.0;
            }
        }

        return null;
    }

    private static string? ReadType(string zone) => TryRead(Path.Combine(zone, "type"));

    private static long? ReadMilli(string zone) =>
        long.TryParse(TryRead(Path.Combine(zone, "temp")), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? TryRead(string file)
    {
        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
