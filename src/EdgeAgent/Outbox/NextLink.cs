namespace EdgeAgent.Outbox;

/// <summary>
/// Where the device's hash chain stands: the <paramref name="Sequence"/> and <paramref name="PrevHash"/> the next
/// record must carry to continue it (1 and <see cref="Protocol.EvidenceSignature.GenesisHash"/> before the first
/// record). The evidence stage reads it once from <see cref="EvidenceOutbox.ReadNextLinkAsync"/>, signs records
/// with it and advances it after each append; the outbox refuses a record that does not carry it.
/// </summary>
public readonly record struct NextLink(long Sequence, string PrevHash);
