namespace EdgeAgent.Protocol;

/// <param name="Alg">Always <c>ES256</c>: ECDSA P-256 with SHA-256.</param>
/// <param name="KeyId">Lower-case hex SHA-256 of the signing key's SubjectPublicKeyInfo (DER).</param>
/// <param name="Value">Base64 of the IEEE P1363 signature (r‖s, 64 bytes) over the record's canonical bytes without <c>signature</c>.</param>
public sealed record SignatureStamp(string Alg, string KeyId, string Value)
{
    public const string Es256 = "ES256";
}
