using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Configuration;

/// <summary>Badge, lock-tag and work-order scanners, and how scanned text is classified (<c>Scanning</c> section).</summary>
public sealed class ScanningOptions
{
    /// <summary>Longest accepted line in bytes; longer lines are rejected as garbage.</summary>
    [Range(8, 4096)]
    public int MaxLineLength { get; set; } = 256;

    /// <summary>Checked by <see cref="ScanningValidator"/> (each must compile).</summary>
    public ScanPatternOptions Patterns { get; set; } = new();

    [ValidateEnumeratedItems]
    public List<ScannerOptions> Scanners { get; set; } = [];
}
