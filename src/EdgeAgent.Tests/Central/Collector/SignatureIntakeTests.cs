using System.Text.Json.Nodes;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>Records checked against enrolled device keys on arrival: forged ones are rejected and never stored.</summary>
public sealed class SignatureIntakeTests : IDisposable
{
    private readonly SignedChainFixture fixture = new();

    [Fact]
    public void Record_signed_with_another_key_is_rejected_and_not_stored()
    {
        using var intake = fixture.NewIntake(withKeys: true);
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rejected = new List<string>();
        intake.Rejected += (_, reason) => rejected.Add(reason);
        var forged = fixture.Chain(1, attacker)[0];

        var receipt = SignedChainFixture.Deliver(intake, forged);

        Assert.Equal(ReceiptStatus.Rejected, receipt.Status);
        Assert.StartsWith("signature: signed by key", receipt.Reason, StringComparison.Ordinal);
        Assert.Contains("signature", Assert.Single(rejected), StringComparison.Ordinal);
        Assert.Empty(intake.Store.List());
        Assert.False(intake.Index.Contains(forged.Record.RecordId));
        Assert.Equal(0, intake.Staging.StagedBytes);
    }

    [Fact]
    public void The_enrolled_key_id_kept_after_the_first_record_is_the_keys_own_id()
    {
        using var intake = fixture.NewIntake(withKeys: true);
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var genuine = fixture.Chain(2);
        var enrolledId = EvidenceSignature.KeyId(fixture.Key)[..16];

        // Reads before and after the id is kept: the same answers, naming the enrolled key's own id.
        var before = intake.Read("dev-1", fixture.Chain(1, attacker)[0].Record.ToJson());
        var first = intake.Read("dev-1", genuine[0].Record.ToJson());
        var second = intake.Read("dev-1", genuine[1].Record.ToJson());
        var after = intake.Read("dev-1", fixture.Chain(1, attacker)[0].Record.ToJson());

        Assert.Null(first.Forged);
        Assert.Null(second.Forged);
        Assert.EndsWith($"but the enrolled key is {enrolledId}", before.Forged, StringComparison.Ordinal);
        Assert.Equal(before.Forged, after.Forged);
    }

    [Fact]
    public void Record_changed_after_signing_is_rejected_and_not_stored()
    {
        using var intake = fixture.NewIntake(withKeys: true);
        var (record, image) = fixture.Chain(1)[0];
        var json = JsonNode.Parse(record.ToJson())!.AsObject();
        json["trigger"]!["operator"] = "someone-else";
        var altered = EvidenceRecord.FromJson(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));

        var receipt = SignedChainFixture.Deliver(intake, (altered, image));

        Assert.Equal(ReceiptStatus.Rejected, receipt.Status);
        Assert.Equal("signature: signature does not match the record's content", receipt.Reason);
        Assert.Empty(intake.Store.List());
    }

    [Fact]
    public void Unsigned_record_and_record_from_an_unenrolled_device_are_rejected_when_keys_are_configured()
    {
        using var intake = fixture.NewIntake(withKeys: true);
        using var otherDevice = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var unenrolled = fixture.Chain(1, otherDevice, deviceId: "dev-2")[0];
        var (record, image) = fixture.Chain(1)[0];

        var receipt = SignedChainFixture.Deliver(intake, unenrolled);
        var unsigned = SignedChainFixture.Deliver(intake, (record with { Signature = null }, image));

        Assert.Equal(ReceiptStatus.Rejected, receipt.Status);
        Assert.Equal("signature: no enrolled key for device 'dev-2'", receipt.Reason);
        Assert.Equal(ReceiptStatus.Rejected, unsigned.Status);
        Assert.Equal("signature: record is not signed", unsigned.Reason);
        Assert.Empty(intake.Store.List());
        Assert.Empty(intake.Index.CountByDevice());
    }

    [Fact]
    public void Replay_of_a_stored_record_id_with_a_forged_signature_is_rejected_not_answered_duplicate()
    {
        using var intake = fixture.NewIntake(withKeys: true);
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var genuine = fixture.Chain(1)[0];
        Assert.Equal(ReceiptStatus.Stored, SignedChainFixture.Deliver(intake, genuine).Status);
        var replay = EvidenceSignature.Sign(genuine.Record with { Trigger = genuine.Record.Trigger with { Operator = "intruder" } }, attacker);

        Assert.Equal(ReceiptStatus.Rejected, intake.AcceptRecord("dev-1", replay.ToJson())!.Status);
        Assert.Equal(ReceiptStatus.Duplicate, SignedChainFixture.Deliver(intake, genuine).Status);
        Assert.Single(intake.Store.List());
    }

    [Fact]
    public void Without_keys_records_with_a_valid_image_hash_are_stored_signed_or_not()
    {
        using var intake = fixture.NewIntake(withKeys: false);
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var chain = fixture.Chain(2);
        var otherKey = fixture.Chain(3, attacker)[2];

        Assert.Null(intake.Keys);
        Assert.Equal(ReceiptStatus.Stored, SignedChainFixture.Deliver(intake, chain[0]).Status);
        Assert.Equal(ReceiptStatus.Stored, SignedChainFixture.Deliver(intake, (chain[1].Record with { Signature = null }, chain[1].Image)).Status);
        Assert.Equal(ReceiptStatus.Stored, SignedChainFixture.Deliver(intake, otherKey).Status);
        Assert.Equal(3, intake.Store.List().Count());
    }

    [Fact]
    public async Task Collect_with_a_missing_or_unreadable_keys_directory_exits_78_naming_the_option()
    {
        var bad = fixture.Combine("bad-keys");
        Directory.CreateDirectory(bad);
        await File.WriteAllTextAsync(Path.Combine(bad, "dev-1.pem"), "not a key");

        foreach (var keys in new[] { fixture.Combine("nowhere"), bad })
        {
            var error = new StringWriter();
            var exit = await EdgeAgentCli.InvokeAsync(["collect", "--broker", "mqtt://127.0.0.1:1", "--output", fixture.Root, "--keys", keys], new StringWriter(), error);

            Assert.Equal(ExitCodes.Config, exit);
            Assert.Contains("--keys", error.ToString(), StringComparison.Ordinal);
        }
    }

    public void Dispose() => fixture.Dispose();
}
