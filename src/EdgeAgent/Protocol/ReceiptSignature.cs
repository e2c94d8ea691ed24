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
        var bytes = CanonicalJson.Canonicalize(unsigned.ToJson(), omit: "signature");
        var value = key.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return unsigned with { Signature = new SignatureStamp(SignatureStamp.Es256, EvidenceSignature.KeyId(key), Convert.ToBase64String(value)) };
    }

    /// <summary>Null when <paramref name="payload"/> is a receipt for <paramref name="deviceId"/> signed by one of <paramref name="keys"/>; else why not.</summary>
    public static string? Check(ReadOnlySpan<byte> payload, Receipt receipt, string deviceId, IReadOnlyDictionary<string, ECDsa> keys)
    {
        if (receipt.Signature is not { } stamp)
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

        if (!string.Equals(receipt.DeviceId, deviceId, StringComparison.Ordinal))
        {
            return $"receipt is for device '{receipt.DeviceId}', not '{deviceId}'";
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
