using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Configuration;

/// <summary>A lockout switch on a GPIO line.</summary>
public sealed class InputOptions
{
    [Required, RegularExpression(Identifiers.Pattern, ErrorMessage = Identifiers.AnnotationMessage)]
    public string Id { get; set; } = "";

    /// <summary>The point this lock belongs to.</summary>
    [Required]
    public string Point { get; set; } = "";

    /// <summary>GPIO chip number (<c>/dev/gpiochipN</c>).</summary>
    [Range(0, 63)]
    public int Chip { get; set; }

    [Range(0, 1023)]
    public int Line { get; set; }

    /// <summary>True when the line reads low while the lock is on (switch to ground with a pull-up).</summary>
    public bool ActiveLow { get; set; } = true;

    [Range(0, 10000)]
    public int DebounceMs { get; set; } = 50;

    /// <summary>
    /// The worker whose personal lock this is (name or badge id), stated as <c>trigger.holder</c> on its lock-on and
    /// lock-off records; without it, a badge scanned at the point just before the lock closes names the holder.
    /// </summary>
    [StringLength(128)]
    public string? Holder { get; set; }

    /// <summary>
    /// Optional chip by name (<c>gpiochip2</c>) or label (<c>pinctrl-bcm2835</c>), resolved at start-up through
    /// libgpiod's chip list; when set it overrides <see cref="Chip"/>.
    /// </summary>
    public string? ChipName { get; set; }

    /// <summary><c>auto</c> (pull-up when active-low, else none), <c>none</c>, <c>pull-up</c> or <c>pull-down</c>.</summary>
    [AllowedValues("auto", "none", "pull-up", "pull-down", ErrorMessage = "{0} must be \"auto\", \"none\", \"pull-up\" or \"pull-down\"")]
    public string Bias { get; set; } = "auto";
}
