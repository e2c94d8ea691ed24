namespace EdgeAgent.Central.Collector;

/// <summary>What the index knows of a stored record's place in its device's hash chain.</summary>
/// <param name="Path">The record's JSON path relative to the store root.</param>
/// <param name="RecordHash">Its <see cref="Protocol.EvidenceSignature.RecordHash"/>, or null for rows indexed before hashes were kept.</param>
/// <param name="PrevHash">The <c>prevHash</c> it carries, or null.</param>
public sealed record ChainLink(Guid RecordId, string Path, string? RecordHash, string? PrevHash);
