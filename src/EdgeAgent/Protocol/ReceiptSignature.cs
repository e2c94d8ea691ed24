using System.Security.Cryptography;
using System.Text.Json;

namespace EdgeAgent.Protocol;

/// <summary>
/// Signing and checking receipts, as records are signed: ES256 (ECDSA P-256, SHA-256, IEEE P1363 r‖s) over
/// the canonical JSON (<see cref="CanonicalJson"/>) of the receipt without its <c>signature</c> member; the
/// stamp names the key by the SHA-256 of its SubjectPublicKeyInfo. The collector signs; a device acts on a
/// receipt only when it verifies against one of its enrolled collector keys and names this device.
/// </summary>
public static class ReceiptSignature
{
    public static Receipt Sign(Receipt receipt, ECDsa key)
    {
        var unsigned = receipt with { Signature = null };
        return unsigned with { Signature = Stamp(unsigned.ToJson(), key) };
    }

    /// <summary>Signs a batch exactly as a single receipt: over its canonical JSON without <c>signature</c>, with the same key.</summary>
    public static ReceiptBatch Sign(ReceiptBatch batch, ECDsa key)
    {
        var unsigned = batch with { Signature = null };
        return unsigned with { Signature = Stamp(unsigned.ToJson(), key) };
    }

    private static SignatureStamp Stamp(byte[] json, ECDsa key)
    {
        var bytes = CanonicalJson.Canonicalize(json, omit: "signature");
        var value = key.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new SignatureStamp(SignatureStamp.Es256, EvidenceSignature.KeyId(key), Convert.ToBase64String(value));
    }

    /// <summary>Null when <paramref name="payload"/> is a receipt for <paramref name="deviceId"/> signed by one of <paramref name="keys"/>; else why not.</summary>
    public static string? Check(ReadOnlySpan<byte> payload, Receipt receipt, string deviceId, IReadOnlyDictionary<string, ECDsa> keys) =>
        Check(payload, receipt.Signature, receipt.DeviceId, deviceId, keys);

    /// <summary>Null when <paramref name="payload"/> is a batch for <paramref name="deviceId"/> signed by one of <paramref name="keys"/>; else why not (the same checks as a single receipt's).</summary>
    public static string? Check(ReadOnlySpan<byte> payload, ReceiptBatch batch, string deviceId, IReadOnlyDictionary<string, ECDsa> keys) =>
        Check(payload, batch.Signature, batch.DeviceId, deviceId, keys);

    private static string? Check(ReadOnlySpan<byte> payload, SignatureStamp? signature, string? receiptDevice, string deviceId, IReadOnlyDictionary<string, ECDsa> keys)
    {
        if (signature is not { } stamp)
        {
            return "receipt is not signed";
        }

        if (stamp.Alg != SignatureStamp.Es256)
        {
            return $"signature algorithm '{stamp.Alg}' is not {SignatureStamp.Es256}";
        }

        if (!keys.TryGetValue(stamp.KeyId ?? "", out var key))
        {
            return $"signed by key {Short(stamp.KeyId)}, which is not an enrolled collector key";
        }

        if (!string.Equals(receiptDevice, deviceId, StringComparison.Ordinal))
        {
            return $"receipt is for device '{receiptDevice}', not '{deviceId}'";
        }

        byte[] signed;
        try
        {
            signed = CanonicalJson.Canonicalize(payload, omit: "signature");
        }
        catch (JsonException ex)
        {
            return $"receipt is not canonicalisable JSON: {ex.Message}";
        }

        Span<byte> value = stackalloc byte[128];
        return Convert.TryFromBase64String(stamp.Value ?? "", value, out var length) && length == 64 &&
               key.VerifyData(signed, value[..length], HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? null
            : "signature does not match the receipt";
    }

    private static string Short(string? keyId) => keyId is null ? "(none)" : keyId.Length > 16 ? keyId[..16] : keyId;
}
