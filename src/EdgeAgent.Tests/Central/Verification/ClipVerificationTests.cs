using EdgeAgent.Tests.EndToEnd;

namespace EdgeAgent.Tests.Central.Verification;

/// <summary>
/// <c>verify</c> on a store holding clip records: a clip is not a photo (it never makes up for a missing one), a clip
/// the step asked for and did not get is a warning, and a cut-short MP4 whose record hashes it anyway is named.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClipVerificationTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Stores the records in chain order, each signed; returns the keys.</summary>
    private EnrolledKeys Store(params (Func<long, string, EvidenceRecord> Build, byte[] Blob)[] items)
    {
        var store = new EvidenceStore(dir.Combine("store"));
        var prev = EvidenceSignature.GenesisHash;
        for (var i = 0; i < items.Length; i++)
        {
            var record = EvidenceSignature.Sign(items[i].Build(i + 1, prev), key);
            var json = record.ToJson();
            store.Store(record, json, items[i].Blob);
            prev = EvidenceSignature.RecordHash(json);
        }

        var keys = new EnrolledKeys();
        keys.Add("dev-1", key);
        return keys;
    }

    private IReadOnlyDictionary<string, ProcedureTemplate> Templates() =>
        ProcedureTemplate.LoadDirectory(ClipEvidenceTests.WriteClipTemplate(dir.Combine("procedures"), 5, 5));

    [Fact]
    public async Task A_stored_clip_verifies_and_a_step_without_its_clip_is_a_warning()
    {
        var mp4 = await TestMp4.TenSecondsAsync();
        var photo = TestRecords.Image(1);
        var templates = Templates();

        var keys = Store((Photo(photo), photo), ((s, p) => TestRecords.UnsignedClip(s, p, mp4), mp4));
        var withClip = EvidenceVerifier.Verify(dir.Combine("store"), keys, templates);
        Assert.Equal(2, withClip.Records);
        Assert.Empty(withClip.Failures);
        Assert.DoesNotContain(withClip.Warnings, w => w.Contains("clip", StringComparison.Ordinal));

        Directory.Delete(dir.Combine("store"), recursive: true);
        keys = Store((Photo(photo), photo));
        var without = EvidenceVerifier.Verify(dir.Combine("store"), keys, templates);
        Assert.Empty(without.Failures);
        Assert.Contains(without.Warnings, w => w.Contains("step 'isolated' asks for a clip from camera cam-1 and none is stored", StringComparison.Ordinal));
    }

    [Fact]
    public void A_clip_never_counts_as_the_steps_photo()
    {
        var fake = new byte[] { 0, 0, 0, 8, (byte)'f', (byte)'t', (byte)'y', (byte)'p' };
        var keys = Store(((s, p) => TestRecords.UnsignedClip(s, p, fake), fake));

        var report = EvidenceVerifier.Verify(dir.Combine("store"), keys, Templates());

        Assert.Contains(report.Failures, f => f.Check == VerificationFailure.Checks.Completeness && f.Detail.Contains("step 'isolated' has 0 of 1 photos from camera cam-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cut_short_mp4_that_its_record_hashes_is_named_as_not_whole()
    {
        var mp4 = await TestMp4.TenSecondsAsync();
        var cut = mp4[..(mp4.Length - 4096)];
        var keys = Store(((s, p) => TestRecords.UnsignedClip(s, p, cut), cut));

        var failure = Assert.Single(EvidenceVerifier.Verify(dir.Combine("store"), keys).Failures);

        Assert.Equal(VerificationFailure.Checks.ImageIntegrity, failure.Check);
        Assert.Contains("truncated", failure.Detail, StringComparison.Ordinal);
    }

    private static Func<long, string, EvidenceRecord> Photo(byte[] jpeg) => (s, p) => TestRecords.Unsigned(s, p, jpeg);

    public void Dispose()
    {
        key.Dispose();
        dir.Dispose();
    }
}
