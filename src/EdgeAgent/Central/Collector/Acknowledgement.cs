using EdgeAgent.Protocol;
using MQTTnet;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// A handled message waiting for its batch's durable sync: its PUBACK, and the receipt its device gets then (if any).
/// <paramref name="Record"/>: a record answered <c>incomplete</c>, looked at again just before the batch commits (its
/// chunks may have been staged meanwhile by another collector of the shared subscription). <paramref name="Generation"/>:
/// the connection it came on (it is acknowledged only on that one).
/// </summary>
internal sealed record Acknowledgement(MqttApplicationMessageReceivedEventArgs Message, string? DeviceId, Receipt? Receipt, RecordMessage? Record = null, long Generation = 0);
