using EdgeAgent.Scanning;

namespace EdgeAgent.Tests.Scanning;

public sealed class ScanClassifierTests
{
    [Theory]
    [InlineData("BADGE:4711", ScanCategory.Badge, "4711")]
    [InlineData("LOCK-RED-07", ScanCategory.LockTag, "RED-07")]
    [InlineData("WO-2026-0042", ScanCategory.WorkOrder, "WO-2026-0042")]
    [InlineData("STEP:zero-energy-verified", ScanCategory.StepConfirmation, "zero-energy-verified")]
    [InlineData("hello world", ScanCategory.Unmatched, "hello world")]
    [InlineData("BADGE:", ScanCategory.Unmatched, "BADGE:")]
    public void Default_patterns_sort_scans(string text, ScanCategory category, string value)
    {
        var result = new ScanClassifier(new ScanPatternOptions()).Classify("scanner-1", text);

        Assert.Equal((category, value), (result.Category, result.Value));
    }

    [Fact]
    public void Site_patterns_replace_the_defaults_and_an_empty_pattern_is_off()
    {
        var patterns = new ScanPatternOptions { Badge = @"^\d{8}$", LockTag = "", WorkOrder = "^SAP(?<value>\\d+)$", StepConfirmation = "" };
        var classifier = new ScanClassifier(patterns);

        Assert.Equal(ScanCategory.Badge, classifier.Classify("s", "12345678").Category);
        Assert.Equal("12345678", classifier.Classify("s", "12345678").Value);
        Assert.Equal("4711", classifier.Classify("s", "SAP4711").Value);
        Assert.Equal(ScanCategory.Unmatched, classifier.Classify("s", "LOCK-1").Category);
    }

    [Fact]
    public void Invalid_pattern_is_a_config_error_naming_the_key()
    {
        var options = new EdgeAgentOptions { Points = [new PointOptions { Id = "p" }] };
        options.Scanning.Patterns.LockTag = "^(unclosed";
        options.Scanning.Scanners.Add(new ScannerOptions { Id = "s1", Point = "nowhere", Path = "/dev/null" });

        var errors = new List<string>();
        ScanningValidator.Validate(options, errors);

        Assert.Contains(errors, e => e.StartsWith("Scanning:Patterns:LockTag: not a valid regular expression", StringComparison.Ordinal));
        Assert.Contains("Scanning:Scanners:0:Point: unknown point 'nowhere'; valid: p", errors);
    }
}
