using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Configuration;

/// <summary>
/// Layout and fields of the burned-in text on the overlay copy. Each line is a template with fields in braces:
/// <c>{site}</c>, <c>{point}</c>, <c>{step}</c>, <c>{workOrder}</c>, <c>{operator}</c>, <c>{trigger}</c> (on lock
/// records followed by "lock of" its holder), <c>{holder}</c>, <c>{camera}</c>, <c>{local}</c>, <c>{utc}</c>.
/// Configured under <c>Overlay</c> of a camera.
/// </summary>
public sealed class OverlayOptions
{
    public bool Enabled { get; set; } = true;

    public List<string> Lines { get; set; } =
    [
        "{site} · {point} · {step}",
        "{operator} · {trigger} · {workOrder}",
        "{local} · {utc}",
    ];

    /// <summary><c>top</c> or <c>bottom</c>.</summary>
    [AllowedValues("top", "bottom", ErrorMessage = "{0} must be \"top\" or \"bottom\"")]
    public string Position { get; set; } = "bottom";

    /// <summary>Fontconfig family; the fallback chain finds CJK glyphs if this font lacks them.</summary>
    [Required]
    public string Font { get; set; } = "Noto Sans CJK SC";

    /// <summary>Text height as a share of the image height (0.03 is 32 px on 1080p, 22 px on 720p).</summary>
    [Range(0.01, 0.2)]
    public double TextHeight { get; set; } = 0.03;

    /// <summary>Language for step names, falling back to English, then the step id.</summary>
    public string Language { get; set; } = "zh";

    /// <summary>IANA time zone for <c>{local}</c>; empty uses the system zone.</summary>
    public string? TimeZone { get; set; }
}
