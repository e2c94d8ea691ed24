namespace EdgeAgent.Central.Verification;

/// <summary>A record as found in storage: its name, the sequence its name claims, its bytes and its image.</summary>
/// <param name="Name">How failures refer to it (file path relative to the store root).</param>
/// <param name="NameSequence">The sequence number the storage position claims (file name prefix), if any.</param>
/// <param name="Image">The image bytes, or null when the image is missing.</param>
public sealed record StoredRecord(string Name, long? NameSequence, byte[] Json, Func<byte[]?> Image);
