using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// A record message as read by <see cref="EvidenceIntake.Read"/>: validated, bound, its chain hash computed and its
/// signature checked, once. Reading touches no state (no index, store or staging), so the collector reads the messages
/// of a batch in parallel while the serial stage stores the previous ones and the previous batch syncs; only
/// <see cref="EvidenceIntake.AcceptRecord(RecordMessage)"/> runs one message at a time.
/// </summary>
public sealed class RecordMessage
{
    /// <summary>The device of the topic it came on.</summary>
    public required string DeviceId { get; init; }

    /// <summary>The message payload, exactly as received (what is stored).</summary>
    public required byte[] Json { get; init; }

    /// <summary>The bound record; null when <see cref="Invalid"/> says why it could not be.</summary>
    public EvidenceRecord? Record { get; init; }

    /// <summary>Why the record can never be stored (validation or binding), or null.</summary>
    public string? Invalid { get; init; }

    /// <summary>The record's chain hash (<see cref="EvidenceSignature.RecordHash"/>); empty when invalid.</summary>
    public string RecordHash { get; init; } = "";

    /// <summary>Why its signature is not acceptable under the enrolled keys (null: it verifies, or keys are not checked).</summary>
    public string? Forged { get; init; }
}
