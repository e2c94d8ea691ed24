using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Configuration;

/// <summary>A maintenance point: one isolator with its lock inputs and cameras.</summary>
public sealed class PointOptions
{
    [Required, RegularExpression(Identifiers.Pattern, ErrorMessage = Identifiers.AnnotationMessage)]
    public string Id { get; set; } = "";

    /// <summary>Procedure template id run at this point.</summary>
    [Required]
    public string Procedure { get; set; } = "conveyor-lockout";

    /// <summary>Camera ids that photograph this point.</summary>
    public List<string> Cameras { get; set; } = [];

    /// <summary>
    /// A badge scanned at this point at most this many seconds before a lock closes binds that lock to the badge's
    /// holder for the job (<c>trigger.holder</c> of its lock-on and lock-off records), unless the input names its holder.
    /// </summary>
    [Range(0, 3600)]
    public int BadgeBindSeconds { get; set; } = 60;
}
