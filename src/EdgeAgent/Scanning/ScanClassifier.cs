using System.Text.RegularExpressions;
using EdgeAgent.Configuration;
using EdgeAgent.Triggers;

namespace EdgeAgent.Scanning;

/// <summary>Sorts scanned text into badge, lock tag, work order or step confirmation by the configured patterns.</summary>
public sealed class ScanClassifier
{
    private readonly List<(ScanCategory Category, Regex Pattern)> patterns = [];

    public ScanClassifier(ScanPatternOptions options)
    {
        var categories = new[] { ScanCategory.Badge, ScanCategory.LockTag, ScanCategory.WorkOrder, ScanCategory.StepConfirmation };
        foreach (var ((_, pattern), category) in ScanningValidator.Patterns(options).Zip(categories))
        {
            if (!string.IsNullOrEmpty(pattern))
            {
                patterns.Add((category, new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100))));
            }
        }
    }

    public ScanResult Classify(string scannerId, string text)
    {
        foreach (var (category, pattern) in patterns)
        {
            Match match;
            try
            {
                match = pattern.Match(text);
            }
            catch (RegexMatchTimeoutException)
            {
                continue; // a hostile line cannot stall the reader
            }

            if (match.Success)
            {
                var value = match.Groups.TryGetValue("value", out var group) && group.Success ? group.Value : text;
                return new ScanResult(scannerId, text, category, value);
            }
        }

        return new ScanResult(scannerId, text, ScanCategory.Unmatched, text);
    }
}
