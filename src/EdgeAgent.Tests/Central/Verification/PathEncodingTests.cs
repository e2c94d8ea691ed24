namespace EdgeAgent.Tests.Central.Verification;

/// <summary>
/// Issue 14, attack 4: the store turned <c>site7.conv-3</c> into <c>site7_conv-3</c>, so genuine records
/// failed <c>verify --keys</c>, and <c>cv.1</c> and <c>cv_1</c> shared a directory. Path segments are now
/// a reversible encoding that <c>verify</c> decodes and compares with the record.
/// </summary>
public sealed class PathEncodingTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Theory]
    [InlineData("site7.conv-3")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/../b")]
    [InlineData("cv_1")]
    [InlineData("100%")]
    [InlineData("张伟")]
    [InlineData(" ")]
    public void A_segment_decodes_to_its_name_and_is_never_a_dot_name(string name)
    {
        var segment = SafePath.Segment(name);

        Assert.Equal(name, SafePath.Decode(segment));
        Assert.DoesNotContain('/', segment);
        Assert.NotEqual(".", segment);
        Assert.NotEqual("..", segment);
        Assert.Matches("^[A-Za-z0-9_%-]+$", segment);
    }

    [Fact]
    public void Names_that_sanitised_alike_encode_apart_and_empty_names_are_refused()
    {
        string[] names = ["cv.1", "cv_1", "cv 1", "cv%1", "cv%2E1"];

        Assert.Equal(names.Length, names.Select(SafePath.Segment).Distinct(StringComparer.Ordinal).Count());
        Assert.Throws<ArgumentException>(() => SafePath.Segment(""));
        Assert.Null(SafePath.Decode("cv%2e1")); // lower-case hex is not the canonical form: one name, one segment
        Assert.Null(SafePath.Decode("cv%2"));
    }

    [Fact]
    public void Device_site7_conv_3_stores_under_its_encoded_name_and_verifies_with_keys()
    {
        var (root, keys) = Store(("site7.conv-3", 3));

        var report = EvidenceVerifier.Verify(root, EnrolledKeys.Load(keys));

        Assert.Empty(report.Failures);
        Assert.Equal(3, report.Records);
        Assert.True(Directory.Exists(Path.Combine(root, "site-1", "site7%2Econv-3")));
    }

    [Fact]
    public void Devices_cv_dot_1_and_cv_underscore_1_stay_apart_and_both_verify()
    {
        var (root, keys) = Store(("cv.1", 3), ("cv_1", 4));

        var report = EvidenceVerifier.Verify(root, EnrolledKeys.Load(keys));

        Assert.Empty(report.Failures);
        Assert.Equal(7, report.Records);
        Assert.Equal(3, Directory.EnumerateFiles(Path.Combine(root, "site-1", "cv%2E1"), "*.json", SearchOption.AllDirectories).Count());
        Assert.Equal(4, Directory.EnumerateFiles(Path.Combine(root, "site-1", "cv_1"), "*.json", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public void A_store_written_with_the_old_sanitised_layout_still_verifies()
    {
        var (root, keys) = Store(("site7.conv-3", 3));
        Directory.Move(Path.Combine(root, "site-1", "site7%2Econv-3"), Path.Combine(root, "site-1", "site7_conv-3")); // as stores were written before

        var report = EvidenceVerifier.Verify(root, EnrolledKeys.Load(keys));

        Assert.Empty(report.Failures);
        Assert.Equal(3, report.Records);
    }

    [Fact]
    public void A_record_moved_under_another_work_order_fails_the_location_check()
    {
        var (root, keys) = Store(("dev-1", 2));
        var device = Path.Combine(root, "site-1", "dev-1");
        Directory.Move(Path.Combine(device, "WO-1"), Path.Combine(device, "WO-2"));

        var report = EvidenceVerifier.Verify(root, EnrolledKeys.Load(keys));

        Assert.Equal(2, report.Failures.Count(f => f.Check == VerificationFailure.Checks.Location));
        Assert.Contains(report.Failures, f => f.Detail.Contains("work order 'WO-2' but the record names 'WO-1'", StringComparison.Ordinal));
    }

    /// <summary>Signed chains for each device, stored by the real <see cref="EvidenceStore"/>, with their keys enrolled.</summary>
    private (string Root, string Keys) Store(params (string DeviceId, int Count)[] devices)
    {
        var root = temp.Combine("store");
        var keys = temp.Combine("keys");
        Directory.CreateDirectory(keys);
        var store = new EvidenceStore(root);
        foreach (var (deviceId, count) in devices)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(Path.Combine(keys, deviceId + ".pem"), key.ExportSubjectPublicKeyInfoPem());
            var prevHash = EvidenceSignature.GenesisHash;
            for (var sequence = 1; sequence <= count; sequence++)
            {
                var image = TestRecords.Image(sequence);
                var record = EvidenceSignature.Sign(TestRecords.Unsigned(sequence, prevHash, image, deviceId: deviceId), key);
                var json = record.ToJson();
                store.Store(record, json, image);
                prevHash = EvidenceSignature.RecordHash(json);
            }
        }

        return (root, keys);
    }

    public void Dispose() => temp.Dispose();
}
