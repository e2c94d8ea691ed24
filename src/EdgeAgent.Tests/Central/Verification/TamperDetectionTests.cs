using System.Text.Json.Nodes;
using static EdgeAgent.Central.Verification.VerificationFailure;

namespace EdgeAgent.Tests.Central.Verification;

public sealed class TamperDetectionTests
{
    private static VerificationReport Verify(SignedEvidenceStore store)
    {
        using var keys = EnrolledKeys.Load(store.KeysDirectory);
        return EvidenceVerifier.Verify(store.Root, keys, ProcedureTemplate.LoadDirectory(SignedEvidenceStore.Procedures));
    }

    [Fact]
    public async Task Untouched_job_verifies_chain_signatures_images_and_completeness()
    {
        using var store = await SignedEvidenceStore.CreateAsync();

        var report = Verify(store);

        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(6, report.Records);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public async Task Store_of_schema_1_records_from_older_devices_still_verifies()
    {
        using var store = await SignedEvidenceStore.CreateAsync(bend: r => r with
        {
            Schema = EvidenceRecord.SchemaV1,
            Frame = r.Frame with { ProducedAt = null, ProducedBasis = null, OffsetMs = null, Role = null, AgeMs = 40.5 },
        });

        var report = Verify(store);

        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(6, report.Records);
        Assert.Contains("\"ageMs\":40.5", File.ReadAllText(store.Record(1)), StringComparison.Ordinal);
        Assert.Contains("\"schema\":\"edgeagent.evidence/1\"", File.ReadAllText(store.Record(1)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Step_with_only_a_pre_trigger_photo_is_incomplete()
    {
        using var store = await SignedEvidenceStore.CreateAsync(bend: r => r.Step.Id == "locked" ? r with { Frame = r.Frame with { Role = EdgeAgent.Protocol.FrameRole.Pre, OffsetMs = -250 } } : r);

        var report = Verify(store);

        Assert.False(report.Ok);
        Assert.Contains(report.Failures, f => f.Check == Checks.Completeness && f.Detail.Contains("step 'locked' has 0 of 1 photos from camera cam-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_byte_in_an_image_is_reported_at_that_record()
    {
        using var store = await SignedEvidenceStore.CreateAsync();
        var image = File.ReadAllBytes(store.Image(3));
        image[100] ^= 0x01;
        File.WriteAllBytes(store.Image(3), image);

        var first = Verify(store).First!;

        Assert.Equal((store.Relative(3), 3L, Checks.Image), (first.File, first.Sequence, first.Check));
    }

    [Fact]
    public async Task A_changed_field_in_a_record_breaks_its_signature_and_the_next_link()
    {
        using var store = await SignedEvidenceStore.CreateAsync();
        var node = JsonNode.Parse(File.ReadAllBytes(store.Record(3)))!;
        node["trigger"]!["operator"] = "someone-else";
        File.WriteAllText(store.Record(3), node.ToJsonString());

        var report = Verify(store);

        Assert.Equal((store.Relative(3), Checks.Signature), (report.First!.File, report.First.Check));
        Assert.Contains(report.Failures, f => f.Sequence == 4 && f.Check == Checks.PrevHash);
    }

    [Fact]
    public async Task A_deleted_record_is_reported_as_a_gap_at_the_record_after_it()
    {
        using var store = await SignedEvidenceStore.CreateAsync();
        File.Delete(store.Record(3));
        File.Delete(store.Image(3));

        var report = Verify(store);

        Assert.Equal((store.Relative(4), 4L, Checks.Sequence), (report.First!.File, report.First.Sequence, report.First.Check));
        Assert.Contains("record 3 is missing", report.First.Detail);
        Assert.Contains(report.Failures, f => f.Check == Checks.Completeness && f.Detail.Contains("'zero-energy-verified' has 0 of 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_swapped_records_are_reported_as_out_of_order()
    {
        using var store = await SignedEvidenceStore.CreateAsync();
        Swap(store.Record(3), store.Record(4));
        Swap(store.Image(3), store.Image(4));

        var first = Verify(store).First!;

        Assert.Equal((store.Relative(3), Checks.Order), (first.File, first.Check));
        Assert.Contains("stored as sequence 3 but the record is sequence 4", first.Detail);
    }

    [Fact]
    public async Task A_record_re_signed_with_another_key_is_refused()
    {
        using var store = await SignedEvidenceStore.CreateAsync();
        using var thief = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var record = EvidenceRecord.FromJson(File.ReadAllBytes(store.Record(2)));
        File.WriteAllBytes(store.Record(2), EvidenceSignature.Sign(record with { Trigger = record.Trigger with { Operator = "nobody" } }, thief).ToJson());

        var first = Verify(store).First!;

        Assert.Equal((store.Relative(2), Checks.Signature), (first.File, first.Check));
        Assert.StartsWith("signed by key", first.Detail);
    }

    [Fact]
    public async Task Without_enrolled_keys_a_re_signed_record_still_breaks_the_hash_chain()
    {
        using var store = await SignedEvidenceStore.CreateAsync();
        using var thief = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var record = EvidenceRecord.FromJson(File.ReadAllBytes(store.Record(2)));
        File.WriteAllBytes(store.Record(2), EvidenceSignature.Sign(record with { Findings = [] }, thief).ToJson());

        var report = EvidenceVerifier.Verify(store.Root);

        Assert.Equal((3L, Checks.PrevHash), (report.First!.Sequence, report.First.Check));
        Assert.Contains(report.Warnings, w => w.StartsWith("signatures not checked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_completed_job_missing_a_step_fails_completeness_even_with_an_intact_chain()
    {
        var steps = SignedEvidenceStore.ConveyorJob.Where(s => s.Step != "area-cleared").ToArray();
        using var store = await SignedEvidenceStore.CreateAsync(steps);

        var report = Verify(store);

        var failure = Assert.Single(report.Failures);
        Assert.Equal(Checks.Completeness, failure.Check);
        Assert.Contains("step 'area-cleared' has 0 of 1 photos from camera cam-1", failure.Detail);
    }

    [Fact]
    public async Task An_aborted_job_needs_only_the_steps_it_reached()
    {
        using var store = await SignedEvidenceStore.CreateAsync(SignedEvidenceStore.ConveyorJob[..2], finalStatus: "aborted");

        Assert.True(Verify(store).Ok);
    }

    [Fact]
    public async Task Records_whose_wall_and_monotonic_times_disagree_within_a_boot_are_warned_about()
    {
        using var store = await SignedEvidenceStore.CreateAsync(clockSkewAt: 4);

        var report = Verify(store);

        Assert.True(report.Ok); // honest records, just untrustworthy times
        Assert.Contains(report.Warnings, w => w.StartsWith("device dev-1, sequence 4: wall clock advanced", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_device_is_its_own_chain_and_a_device_without_an_enrolled_key_fails()
    {
        using var store = await SignedEvidenceStore.CreateAsync();
        using var other = await SignedEvidenceStore.CreateAsync();
        foreach (var file in Directory.EnumerateFiles(other.Root, "*", SearchOption.AllDirectories))
        {
            var moved = file.Replace(other.Root, store.Root, StringComparison.Ordinal).Replace("dev-1", "dev-2", StringComparison.Ordinal);
            Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
            File.Copy(file, moved);
        }

        var report = Verify(store);

        Assert.Equal(12, report.Records);
        Assert.All(report.Failures, f => Assert.Equal("dev-2", f.DeviceId)); // dev-1's chain is untouched by dev-2's
        Assert.Contains(report.Failures, f => f.Check == Checks.Signature && f.Detail.StartsWith("no enrolled key for device 'dev-2'", StringComparison.Ordinal));
        Assert.Contains(report.Failures, f => f.Check == Checks.Device && f.Detail.Contains("claims device 'dev-1'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Other_json_files_in_the_store_are_ignored_with_a_warning_not_taken_for_records()
    {
        using var store = await SignedEvidenceStore.CreateAsync();
        File.WriteAllText(Path.Combine(store.Root, "index.json"), "{}");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(store.Record(1))!, "job-summary.json"), "{}");

        var report = Verify(store);

        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Contains(report.Warnings, w => w.StartsWith("ignored 2 JSON files", StringComparison.Ordinal));
    }

    private static void Swap(string a, string b)
    {
        var bytes = File.ReadAllBytes(a);
        File.WriteAllBytes(a, File.ReadAllBytes(b));
        File.WriteAllBytes(b, bytes);
    }
}
