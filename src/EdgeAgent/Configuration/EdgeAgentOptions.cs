using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Configuration;

/// <summary>The whole agent configuration, bound from the root of the config file (<c>EDGEAGENT__Key__Sub</c> environment variables override it).</summary>
public sealed class EdgeAgentOptions
{
    /// <summary>Device id: also the MQTT client id and topic segment, never a file path.</summary>
    [Required, RegularExpression(Identifiers.Pattern, ErrorMessage = Identifiers.AnnotationMessage)]
    public string DeviceId { get; set; } = "";

    [Required, RegularExpression(Identifiers.Pattern, ErrorMessage = Identifiers.AnnotationMessage)]
    public string SiteId { get; set; } = "";

    /// <summary>Where the outbox, device key and persisted state live.</summary>
    [Required]
    public string StateDirectory { get; set; } = "/var/lib/edgeagent";

    /// <summary>Directory holding procedure templates (<c>*.json</c>). Relative paths resolve against the executable.</summary>
    public string ProceduresDirectory { get; set; } = "procedures";

    [Required, ValidateObjectMembers]
    public BrokerOptions Broker { get; set; } = new();

    public ControlOptions Control { get; set; } = new();

    /// <summary>Outbox limits: evidence quota (alert, never drop), telemetry quota and TTL.</summary>
    [ValidateObjectMembers]
    public OutboxOptions Outbox { get; set; } = new();

    [ValidateObjectMembers]
    public GpioOptions Gpio { get; set; } = new();

    [ValidateEnumeratedItems]
    public List<PointOptions> Points { get; set; } = [];

    [ValidateEnumeratedItems]
    public List<CameraOptions> Cameras { get; set; } = [];

    [ValidateEnumeratedItems]
    public List<InputOptions> Inputs { get; set; } = [];

    [ValidateObjectMembers]
    public HealthOptions Health { get; set; } = new();

    [ValidateObjectMembers]
    public ScanningOptions Scanning { get; set; } = new();
}

/// <summary>Shared rules for identifiers that travel on the wire and into topics.</summary>
public static class Identifiers
{
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
    public const string Message = "must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary><see cref="Message"/> for a data annotation: <c>{0}</c> is the key, which validation names.</summary>
    public const string AnnotationMessage = "{0} " + Message;
}
