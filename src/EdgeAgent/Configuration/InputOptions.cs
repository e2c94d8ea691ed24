using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Configuration;

/// <summary>A lockout switch on a GPIO line.</summary>
public sealed class InputOptions
{
    [Required, RegularExpression(Identifiers.Pattern, ErrorMessage = Identifiers.Message)]
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
}
