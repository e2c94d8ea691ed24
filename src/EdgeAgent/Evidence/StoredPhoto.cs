using EdgeAgent.Protocol;

namespace EdgeAgent.Evidence;

/// <summary>A record durably in the outbox with the original JPEG it was made from (the one its <c>image.sha256</c> names).</summary>
public sealed record StoredPhoto(EvidenceRecord Record, byte[] Jpeg);
