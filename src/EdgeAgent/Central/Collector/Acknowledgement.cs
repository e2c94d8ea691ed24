using EdgeAgent.Protocol;
using MQTTnet;

namespace EdgeAgent.Central.Collector;

/// <summary>A handled message waiting for its batch's durable sync: its PUBACK, and the receipt its device gets then (if any).</summary>
internal sealed record Acknowledgement(MqttApplicationMessageReceivedEventArgs Message, string? DeviceId, Receipt? Receipt);
