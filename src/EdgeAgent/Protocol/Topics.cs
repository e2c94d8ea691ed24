namespace EdgeAgent.Protocol;

/// <summary>
/// Versioned, device-scoped topic scheme: everything a device sends or receives is under
/// <c>edgeagent/v1/{deviceId}/</c>, so a broker ACL line <c>pattern readwrite edgeagent/v1/%c/#</c> confines it.
/// </summary>
public static partial class Topics
{
    public const string Root = "edgeagent/v1";

    public static string Evidence(string deviceId) => $"{Root}/{deviceId}/evidence";

    public static string Image(string deviceId) => $"{Root}/{deviceId}/image";

    public static string Receipt(string deviceId) => $"{Root}/{deviceId}/receipt";

    public static string Status(string deviceId) => $"{Root}/{deviceId}/status";

    /// <summary>Health and telemetry (not evidence: no receipt, quota and TTL on the device).</summary>
    public static string Telemetry(string deviceId, string subtopic) => $"{Root}/{deviceId}/telemetry/{subtopic}";

    /// <summary>One QoS 1 message per finding (unsafe or out-of-order sequence); see docs/protocol.md "Alerts".</summary>
    public static string Alert(string deviceId) => $"{Root}/{deviceId}/alert";

    /// <summary>The telemetry-queue name under which alerts wait; sent to <see cref="Alert"/>, not under telemetry/.</summary>
    public const string AlertQueueName = "alert";

    /// <summary>Where a message queued under <paramref name="subtopic"/> in the telemetry queue is published.</summary>
    public static string Queued(string deviceId, string subtopic) => subtopic == AlertQueueName ? Alert(deviceId) : Telemetry(deviceId, subtopic);

    public const string AllAlerts = Root + "/+/alert";

    /// <summary>Commands to the device (MQTT 5 request; the response goes to the request's response topic).</summary>
    public static string Command(string deviceId) => $"{Root}/{deviceId}/command";

    /// <summary>Default response topic, and the prefix every response topic must have (so the device ACL can allow it).</summary>
    public static string Response(string deviceId) => $"{Root}/{deviceId}/response";

    /// <summary>Retained health report (latest state only; never queued).</summary>
    public static string Health(string deviceId) => $"{Root}/{deviceId}/health";

    public const string AllEvidence = Root + "/+/evidence";

    public const string AllImages = Root + "/+/image";

    /// <summary>Receipts of every device: the collector publishes here.</summary>
    public const string AllReceipts = Root + "/+/receipt";

    /// <summary>Prefixes a filter with an MQTT 5 shared-subscription group, so collectors split the load.</summary>
    public static string Shared(string? group, string filter) => string.IsNullOrEmpty(group) ? filter : $"$share/{group}/{filter}";

    /// <summary>The device id segment of a device topic, or null when the topic is not one.</summary>
    public static string? DeviceOf(string topic)
    {
        var parts = topic.Split('/');
        return parts.Length == 4 && parts[0] == "edgeagent" && parts[1] == "v1" ? parts[2] : null;
    }

    /// <summary>Whether a topic's device segment is a device id this system could have issued (<see cref="Configuration.Identifiers"/>).</summary>
    public static bool IsDeviceId(string deviceId) => DeviceIdPattern().IsMatch(deviceId);

    [System.Text.RegularExpressions.GeneratedRegex(Configuration.Identifiers.Pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex DeviceIdPattern();

    /// <summary>MQTT 5 user property names on image chunk messages (and <see cref="Receipts"/> on record messages).</summary>
    public static class Properties
    {
        public const string RecordId = "record-id";
        public const string ChunkIndex = "chunk";
        public const string ChunkCount = "chunks";

        /// <summary>On record messages: <see cref="ReceiptBatch.SchemaV1"/> when the device also understands batch receipts.</summary>
        public const string Receipts = "receipts";
    }
}
