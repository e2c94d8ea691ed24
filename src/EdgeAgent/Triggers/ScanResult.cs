namespace EdgeAgent.Triggers;

/// <summary>A validated, classified scan.</summary>
/// <param name="ScannerId">The scanner that read it.</param>
/// <param name="Text">The whole scanned line.</param>
/// <param name="Category">What it was recognised as.</param>
/// <param name="Value">The part the pattern's <c>value</c> group picked (the whole line when it has none).</param>
public sealed record ScanResult(string ScannerId, string Text, ScanCategory Category, string Value);
