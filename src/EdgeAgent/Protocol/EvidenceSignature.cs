using System.Security.Cryptography;
using System.Text.Json;

namespace EdgeAgent.Protocol;

/// <summary>
/// Signing, signature checks and chain hashes of evidence records: pure functions over a record's JSON
/// bytes and a key, shared by the agent, <c>edgeagent verify</c> and the collector.
/// </summary>
public static class EvidenceSignature
{
    /// <summary>The <c>prevHash</c> of a device's first record (sequence 1).</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>The bytes that are signed: the canonical JSON of the record without its <c>signature</c> member.</summary>
    public static byte[] SignedBytes(ReadOnlySpan<byte> recordJson) => CanonicalJson.Canonicalize(recordJson, omit: "signature");

    /// <summary>
    /// The hash that the next record's <c>prevHash</c> must carry: lower-case hex SHA-256 of the canonical
    /// JSON of the whole record, signature included.
    /// </summary>
    public static string RecordHash(ReadOnlySpan<byte> recordJson) =>
        Convert.ToHexStringLower(SHA256.HashData(CanonicalJson.Canonicalize(recordJson)));

    /// <summary><see cref="RecordHash(ReadOnlySpan{byte})"/> of a record already parsed.</summary>
    public static string RecordHashOf(JsonElement record) =>
        Convert.ToHexStringLower(SHA256.HashData(CanonicalJson.Canonicalize(record)));

    /// <summary>
    /// <see cref="RecordHashOf(JsonElement)"/> and, in <paramref name="signedBytes"/>, <see cref="SignedBytesOf"/> of a record
    /// already parsed, from one canonical write (the collector needs both of every record).
    /// </summary>
    /// <exception cref="JsonException">The record has a duplicate member name (as <see cref="RecordHashOf(JsonElement)"/>).</exception>
    public static string RecordHashOf(JsonElement record, out byte[] signedBytes) =>
        Convert.ToHexStringLower(SHA256.HashData(CanonicalJson.Canonicalize(record, "signature", out signedBytes)));

    /// <summary><see cref="SignedBytes(ReadOnlySpan{byte})"/> of a record already parsed.</summary>
    public static byte[] SignedBytesOf(JsonElement record) => CanonicalJson.Canonicalize(record, omit: "signature");

    /// <summary>Lower-case hex SHA-256 of a public key's SubjectPublicKeyInfo (DER).</summary>
    public static string KeyId(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    /// <summary>Returns the record with a fresh <see cref="SignatureStamp"/> made with <paramref name="key"/>.</summary>
    public static EvidenceRecord Sign(EvidenceRecord record, ECDsa key)
    {
        var unsigned = record with { Signature = null };
        var signature = key.SignData(SignedBytes(unsigned.ToJson()), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return unsigned with { Signature = new SignatureStamp(SignatureStamp.Es256, KeyId(key), Convert.ToBase64String(signature)) };
    }

    /// <summary>Checks a stored record's signature against <paramref name="publicKey"/>; returns null when valid, else why not.</summary>
    public static string? Check(ReadOnlySpan<byte> recordJson, ECDsa publicKey)
    {
        SignatureStamp? stamp;
        byte[] signed;
        try
        {
            stamp = EvidenceRecord.FromJson(recordJson).Signature;
            signed = SignedBytes(recordJson);
        }
        catch (JsonException ex)
        {
            return $"record is not valid JSON: {ex.Message}";
        }

        return Check(stamp, signed, publicKey);
    }

    /// <summary>
    /// Checks a signature stamp against the record's <see cref="SignedBytes(ReadOnlySpan{byte})"/>, both already read
    /// (the collector binds and canonicalizes each record once); null when valid, else why not.
    /// </summary>
    /// <param name="publicKeyId">The <see cref="KeyId"/> of <paramref name="publicKey"/>, when the caller keeps it; else computed here.</param>
    public static string? Check(SignatureStamp? stamp, byte[] signedBytes, ECDsa publicKey, string? publicKeyId = null)
    {
        if (stamp is null)
        {
            return "record is not signed";
        }

        if (stamp.Alg != SignatureStamp.Es256)
        {
            return $"signature algorithm '{stamp.Alg}' is not {SignatureStamp.Es256}";
        }

        var expectedKey = publicKeyId ?? KeyId(publicKey);
        if (!string.Equals(stamp.KeyId, expectedKey, StringComparison.Ordinal))
        {
            return $"signed by key {Short(stamp.KeyId)}, but the enrolled key is {Short(expectedKey)}";
        }

        Span<byte> value = stackalloc byte[128];
        if (!Convert.TryFromBase64String(stamp.Value, value, out var length) || length != 64)
        {
            return "signature value is not 64 bytes of base64";
        }

        return publicKey.VerifyData(signedBytes, value[..length], HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? null
            : "signature does not match the record's content";
    }

    private static string Short(string keyId) => keyId.Length > 16 ? keyId[..16] : keyId;
}
