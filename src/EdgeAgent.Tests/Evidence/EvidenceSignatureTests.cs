using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeAgent.Tests.Evidence;

public sealed class EvidenceSignatureTests
{
    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static byte[] SignedJson() =>
        EvidenceSignature.Sign(TestRecords.Unsigned(1, EvidenceSignature.GenesisHash, TestRecords.Image(1)), Key).ToJson();

    [Fact]
    public void Signed_record_verifies_and_names_its_key()
    {
        var json = SignedJson();

        Assert.Null(EvidenceSignature.Check(json, Key));
        Assert.Equal(EvidenceSignature.KeyId(Key), EvidenceRecord.FromJson(json).Signature!.KeyId);
        Assert.Equal("ES256", EvidenceRecord.FromJson(json).Signature!.Alg);
    }

    [Fact]
    public void Reformatting_and_reordering_members_keeps_the_signature_and_hash_valid()
    {
        var json = SignedJson();
        var node = JsonNode.Parse(json)!.AsObject();
        var reordered = new JsonObject(node.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        var pretty = Encoding.UTF8.GetBytes(reordered.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        Assert.Null(EvidenceSignature.Check(pretty, Key));
        Assert.Equal(EvidenceSignature.RecordHash(json), EvidenceSignature.RecordHash(pretty));
    }

    [Fact]
    public void A_changed_field_breaks_the_signature()
    {
        var node = JsonNode.Parse(SignedJson())!;
        node["step"]!["id"] = "restored";

        Assert.Equal("signature does not match the record's content", EvidenceSignature.Check(Encoding.UTF8.GetBytes(node.ToJsonString()), Key));
    }

    [Fact]
    public void A_record_signed_by_another_key_is_refused_even_when_it_claims_the_enrolled_key_id()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var json = EvidenceSignature.Sign(TestRecords.Unsigned(1, EvidenceSignature.GenesisHash, TestRecords.Image(1)), other).ToJson();
        var node = JsonNode.Parse(json)!;
        node["signature"]!["keyId"] = EvidenceSignature.KeyId(Key);

        Assert.StartsWith("signed by key", EvidenceSignature.Check(json, Key));
        Assert.Equal("signature does not match the record's content", EvidenceSignature.Check(Encoding.UTF8.GetBytes(node.ToJsonString()), Key));
    }

    [Fact]
    public void An_unsigned_record_is_refused()
    {
        var json = TestRecords.Unsigned(1, EvidenceSignature.GenesisHash, TestRecords.Image(1)).ToJson();

        Assert.Equal("record is not signed", EvidenceSignature.Check(json, Key));
    }

    [Fact]
    public void Canonical_form_sorts_members_keeps_numbers_verbatim_and_rejects_duplicates()
    {
        var canonical = Encoding.UTF8.GetString(CanonicalJson.Canonicalize("""{ "b": 1.50, "a": {"z": "中", "y": [true, null]} }"""u8));

        Assert.Equal("""{"a":{"y":[true,null],"z":"中"},"b":1.50}""", canonical);
        Assert.Throws<JsonException>(() => CanonicalJson.Canonicalize("""{"a":1,"a":2}"""u8));
    }

    [Fact]
    public void Record_hash_covers_the_signature()
    {
        var json = SignedJson();
        var node = JsonNode.Parse(json)!;
        node["signature"]!["value"] = Convert.ToBase64String(new byte[64]);

        Assert.NotEqual(EvidenceSignature.RecordHash(json), EvidenceSignature.RecordHash(Encoding.UTF8.GetBytes(node.ToJsonString())));
    }
}
