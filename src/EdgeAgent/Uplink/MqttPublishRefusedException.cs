namespace EdgeAgent.Uplink;

/// <summary>The broker answered a PUBACK with a failure reason code.</summary>
public sealed class MqttPublishRefusedException(string topic, string reasonCode, string? reason)
    : Exception($"broker refused publish to '{topic}': {reasonCode}{(string.IsNullOrEmpty(reason) ? "" : $" ({reason})")}")
{
    public string ReasonCode { get; } = reasonCode;
}
