using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Configuration;

public sealed class BrokerOptions
{
    /// <summary><c>mqtts://host:8883</c> (TLS) or <c>mqtt://host:1883</c> (plain; only allowed on loopback unless <see cref="AllowInsecure"/>).</summary>
    [Required(ErrorMessage = "{0} is required, e.g. \"mqtts://broker.example:8883\"")]
    public string Url { get; set; } = "";

    /// <summary>CA bundle (PEM) that signs the broker's certificate. Empty means the system trust store.</summary>
    public string? CaFile { get; set; }

    public string? ClientCertificateFile { get; set; }

    public string? ClientKeyFile { get; set; }

    public string? Username { get; set; }

    /// <summary>File holding the password; preferred over <see cref="Password"/> so secrets stay out of config files.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Password, usually from the environment (<c>EDGEAGENT__Broker__Password</c>). Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Allow a plain-text connection to a broker that is not on loopback. Logged loudly.</summary>
    public bool AllowInsecure { get; set; }

    [Range(5, 3600)]
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>Socket buffer; MQTTnet's 8 KiB default collapses QoS 1 throughput above ~200 KB payloads.</summary>
    [Range(8 * 1024, 4 * 1024 * 1024)]
    public int SocketBufferBytes { get; set; } = 64 * 1024;

    /// <summary>Largest MQTT payload the agent sends; images are split into chunks of this size.</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxChunkBytes { get; set; } = 96 * 1024;

    /// <summary>How long the uplink waits for a collector receipt before sending a record again.</summary>
    [Range(1, 86400)]
    public int ReceiptTimeoutSeconds { get; set; } = 30;

    /// <summary>Whether delivery waits for the collector's receipt (end-to-end) or only the broker's PUBACK.</summary>
    public bool RequireReceipts { get; set; } = true;

    /// <summary>
    /// The collector's receipt public keys (PEM files; SubjectPublicKeyInfo as printed by <c>edgeagent collect</c>).
    /// The agent acts only on receipts signed by one of them for this device; others are logged and counted.
    /// List several while rotating: the old key until every collector signs with the new one.
    /// </summary>
    public IList<string> CollectorKeys { get; set; } = [];

    /// <summary>
    /// With no <see cref="CollectorKeys"/>: act on receipts without checking who sent them. Off by default
    /// (then the agent refuses to start without <see cref="CollectorKeys"/>): any client allowed to write
    /// this device's receipt topic could make it delete evidence. Logged loudly when on.
    /// </summary>
    public bool AllowUnsignedReceipts { get; set; }

    /// <summary>Records sent but not yet receipted, at most; bounds memory and the broker's queue for the collector.</summary>
    [Range(1, 100_000)]
    public int MaxInFlightRecords { get; set; } = 64;
}
