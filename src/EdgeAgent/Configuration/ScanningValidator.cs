using System.Text.RegularExpressions;

namespace EdgeAgent.Configuration;

/// <summary>Cross-key checks of the <c>Scanning</c> section: patterns compile, scanners name known points and unique ids.</summary>
public static class ScanningValidator
{
    public static void Validate(EdgeAgentOptions options, List<string> errors)
    {
        var scanning = options.Scanning;
        foreach (var (key, pattern) in Patterns(scanning.Patterns))
        {
            if (string.IsNullOrEmpty(pattern))
            {
                continue;
            }

            try
            {
                _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException ex)
            {
                errors.Add($"Scanning:Patterns:{key}: not a valid regular expression: {ex.Message}");
            }
        }

        var points = options.Points.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var cameras = options.Cameras.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < scanning.Scanners.Count; i++)
        {
            var scanner = scanning.Scanners[i];
            if (!points.Contains(scanner.Point))
            {
                errors.Add($"Scanning:Scanners:{i}:Point: unknown point '{scanner.Point}'; valid: {string.Join(", ", points.Order(StringComparer.Ordinal))}");
            }

            if (scanner.Kind == "camera-qr" && (scanner.Camera is null || !cameras.Contains(scanner.Camera)))
            {
                errors.Add($"Scanning:Scanners:{i}:Camera: a camera-qr scanner needs a configured camera id; valid: {string.Join(", ", cameras.Order(StringComparer.Ordinal))}");
            }
            else if (scanner.Kind != "camera-qr" && string.IsNullOrWhiteSpace(scanner.Path))
            {
                errors.Add($"Scanning:Scanners:{i}:Path: a scanner of kind '{scanner.Kind}' needs a device path, e.g. \"/dev/input/by-id/usb-Scanner-event-kbd\" or \"/dev/ttyUSB0\"");
            }
        }

        foreach (var id in scanning.Scanners.GroupBy(s => s.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            errors.Add($"Scanning:Scanners: id '{id}' is used more than once");
        }
    }

    public static IEnumerable<(string Key, string Pattern)> Patterns(ScanPatternOptions patterns) =>
    [
        ("Badge", patterns.Badge),
        ("LockTag", patterns.LockTag),
        ("WorkOrder", patterns.WorkOrder),
        ("StepConfirmation", patterns.StepConfirmation),
    ];
}
