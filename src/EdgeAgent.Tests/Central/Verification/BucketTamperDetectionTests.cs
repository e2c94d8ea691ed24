using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeAgent.Central.Collector.ObjectStore;
using EdgeAgent.Tests.Central.Collector.ObjectStore;
using static EdgeAgent.Central.Verification.VerificationFailure;

namespace EdgeAgent.Tests.Central.Verification;

/// <summary><c>verify</c> and <c>report</c> on a bucket of a real Ceph RADOS Gateway catch what they catch on a directory.</summary>
[Collection(CephCollection.Name)]
public sealed class BucketTamperDetectionTests(CephFixture ceph) : IDisposable
{
    private readonly AmazonS3Client admin = CephBuckets.Client(ceph.Server);
    private readonly TempDirectory temp = new();

    /// <summary>The signed six-step job of <see cref="SignedEvidenceStore"/>, stored into a fresh bucket by the S3 store.</summary>
    private async Task<(SignedEvidenceStore Job, S3EvidenceStore Bucket)> StoreJobAsync(int? objectLockDays = null)
    {
        var job = await SignedEvidenceStore.CreateAsync();
        var bucket = new S3EvidenceStore(ceph.Server.Options(await CephBuckets.CreateAsync(admin, objectLock: objectLockDays is not null), objectLockDays, prefix: "site-a/"));
        for (var sequence = 1L; sequence <= 6; sequence++)
        {
            var json = File.ReadAllBytes(job.Record(sequence));
            Assert.Equal(job.Relative(sequence), bucket.Store(EvidenceRecord.FromJson(json), json, File.ReadAllBytes(job.Image(sequence))));
        }

        return (job, bucket);
    }

    private static VerificationReport Verify(SignedEvidenceStore job, S3EvidenceStore bucket)
    {
        using var keys = EnrolledKeys.Load(job.KeysDirectory);
        return EvidenceVerifier.Verify(bucket, keys, ProcedureTemplate.LoadDirectory(SignedEvidenceStore.Procedures));
    }

    /// <summary><paramref name="command"/> (verify, report) on the bucket, with the gateway's credentials in a file, the job's keys and the shipped procedures.</summary>
    private string[] CliArgs(string command, SignedEvidenceStore job, S3EvidenceStore bucket)
    {
        var credentials = temp.Combine("s3.env");
        File.WriteAllText(credentials, $"{S3Credentials.AccessKeyVariable}={CephRgwProcess.AccessKey}\n{S3Credentials.SecretKeyVariable}={CephRgwProcess.SecretKey}\n");
        return [command, bucket.Location, "--s3-endpoint", ceph.Server.Endpoint, "--s3-credentials-file", credentials, "--keys", job.KeysDirectory, "--procedures", SignedEvidenceStore.Procedures];
    }

    private static string BucketName(S3EvidenceStore bucket) => bucket.Location["s3://".Length..].Split('/')[0];

    [Fact]
    public async Task Untouched_job_in_a_bucket_verifies_like_the_directory()
    {
        var (job, bucket) = await StoreJobAsync();
        using (job)
        using (bucket)
        {
            var report = Verify(job, bucket);

            Assert.True(report.Ok, string.Join("\n", report.Problems));
            Assert.Equal(6, report.Records);
            Assert.All(report.Retention, r => Assert.Null(r.Retention)); // no Object Lock on this bucket, and verify says so
        }
    }

    [Fact]
    public async Task A_replaced_image_in_the_bucket_is_reported_at_that_record()
    {
        var (job, bucket) = await StoreJobAsync();
        using (job)
        using (bucket)
        {
            var image = File.ReadAllBytes(job.Image(3));
            image[100] ^= 0x01;
            await admin.PutObjectAsync(new PutObjectRequest { BucketName = BucketName(bucket), Key = "site-a/" + Path.ChangeExtension(job.Relative(3), ".jpg"), InputStream = new MemoryStream(image) });

            var first = Verify(job, bucket).First!;

            Assert.Equal((job.Relative(3), 3L, Checks.Image), (first.File, first.Sequence, first.Check));
        }
    }

    [Fact]
    public async Task A_deleted_record_in_the_bucket_is_reported_as_a_gap_at_the_record_after_it()
    {
        var (job, bucket) = await StoreJobAsync();
        using (job)
        using (bucket)
        {
            await admin.DeleteObjectAsync(BucketName(bucket), "site-a/" + job.Relative(3));

            var first = Verify(job, bucket).First!;

            Assert.Equal((job.Relative(4), 4L, Checks.Sequence), (first.File, first.Sequence, first.Check));
            Assert.Contains("record 3 is missing", first.Detail);
        }
    }

    [Fact]
    public async Task A_rewritten_record_in_the_bucket_breaks_its_signature_and_the_next_link()
    {
        var (job, bucket) = await StoreJobAsync();
        using (job)
        using (bucket)
        {
            var node = JsonNode.Parse(File.ReadAllBytes(job.Record(3)))!;
            node["trigger"]!["operator"] = "someone-else";
            await admin.PutObjectAsync(new PutObjectRequest { BucketName = BucketName(bucket), Key = "site-a/" + job.Relative(3), ContentBody = node.ToJsonString() });

            var report = Verify(job, bucket);

            Assert.Equal((job.Relative(3), Checks.Signature), (report.First!.File, report.First.Check));
            Assert.Contains(report.Failures, f => f.Sequence == 4 && f.Check == Checks.PrevHash);
        }
    }

    /// <summary>On a locked bucket: image 3 overwritten and record 6 deleted by plain S3 calls; returns their keys and the versions the collector wrote.</summary>
    private async Task<(string ImageKey, string ImageVersion, string RecordKey, string RecordVersion)> TamperAsync(SignedEvidenceStore job, S3EvidenceStore bucket)
    {
        var (imageKey, recordKey) = (Path.ChangeExtension(job.Relative(3), ".jpg"), job.Relative(6));
        var imageVersion = (await admin.GetObjectMetadataAsync(BucketName(bucket), "site-a/" + imageKey)).VersionId;
        var recordVersion = (await admin.GetObjectMetadataAsync(BucketName(bucket), "site-a/" + recordKey)).VersionId;
        var image = File.ReadAllBytes(job.Image(3));
        image[100] ^= 0x01;
        await admin.PutObjectAsync(new PutObjectRequest { BucketName = BucketName(bucket), Key = "site-a/" + imageKey, InputStream = new MemoryStream(image) });
        await admin.DeleteObjectAsync(BucketName(bucket), "site-a/" + recordKey); // a delete marker on top of the locked version
        return (imageKey, imageVersion, recordKey, recordVersion);
    }

    [Fact]
    public async Task An_overwritten_image_and_a_deleted_record_are_named_with_the_version_the_collector_wrote_which_verifies_as_written()
    {
        var (job, bucket) = await StoreJobAsync(objectLockDays: 1);
        using (job)
        using (bucket)
        {
            var (imageKey, imageVersion, recordKey, recordVersion) = await TamperAsync(job, bucket);
            var options = ceph.Server.Options(BucketName(bucket), prefix: "site-a/");

            var now = Verify(job, bucket);
            using var asWrittenStore = new S3EvidenceStore(options) { AsWritten = true };
            using var keys = EnrolledKeys.Load(job.KeysDirectory);
            var asWritten = EvidenceVerifier.Verify(asWrittenStore, keys, ProcedureTemplate.LoadDirectory(SignedEvidenceStore.Procedures));

            Assert.Contains(now.Failures, f => f.Sequence == 3 && f.Check == Checks.Image);
            var rewritten = now.Failures.Where(f => f.Check == Checks.Rewritten).ToDictionary(f => f.File, f => f.Detail);
            Assert.Equal([imageKey, recordKey], rewritten.Keys.Order(StringComparer.Ordinal));
            Assert.Contains("overwritten", rewritten[imageKey]);
            Assert.Contains(imageVersion, rewritten[imageKey]);
            Assert.Contains("deleted", rewritten[recordKey]);
            Assert.Contains(recordVersion, rewritten[recordKey]);
            Assert.All(now.Failures.Where(f => f.Check == Checks.Rewritten), f => Assert.Equal(recordKey.Split('/')[1], f.DeviceId));

            Assert.True(asWritten.Ok, string.Join("\n", asWritten.Problems));
            Assert.Equal(6, asWritten.Records); // the deleted record too, read from beneath its delete marker
            Assert.Equal(2, asWritten.Warnings.Count(w => w.Contains("verified as written", StringComparison.Ordinal)));
            Assert.Equal(12, asWritten.Retention.Count);
            Assert.All(asWritten.Retention, r => Assert.Equal("COMPLIANCE", r.Retention?.Mode)); // the written versions' locks, not the unlocked overwrite's
        }
    }

    [Fact]
    public async Task An_image_written_again_with_the_same_bytes_is_the_collectors_retry_not_a_rewrite()
    {
        var (job, bucket) = await StoreJobAsync(objectLockDays: 1);
        using (job)
        using (bucket)
        {
            // A batch whose image PUT landed but whose record PUT failed writes the image again when redelivered.
            var imageKey = "site-a/" + Path.ChangeExtension(job.Relative(2), ".jpg");
            await admin.PutObjectAsync(new PutObjectRequest { BucketName = BucketName(bucket), Key = imageKey, InputStream = new MemoryStream(File.ReadAllBytes(job.Image(2))) });
            Assert.Equal(2, (await admin.ListVersionsAsync(new ListVersionsRequest { BucketName = BucketName(bucket), Prefix = imageKey })).Versions.Count);

            var report = Verify(job, bucket);

            Assert.True(report.Ok, string.Join("\n", report.Problems));
        }
    }

    [Fact]
    public async Task Verify_command_as_written_passes_a_tampered_locked_bucket_and_lists_what_was_done_on_top()
    {
        var (job, bucket) = await StoreJobAsync(objectLockDays: 1);
        using (job)
        using (bucket)
        {
            var (imageKey, _, recordKey, _) = await TamperAsync(job, bucket);
            var args = CliArgs("verify", job, bucket);
            var (nowOut, nowError, writtenOut, writtenError) = (new StringWriter(), new StringWriter(), new StringWriter(), new StringWriter());

            var now = await EdgeAgentCli.InvokeAsync(args, nowOut, nowError);
            var written = await EdgeAgentCli.InvokeAsync([.. args, "--as-written"], writtenOut, writtenError);
            var onDirectory = await EdgeAgentCli.InvokeAsync(["verify", temp.Path, "--as-written"], new StringWriter(), new StringWriter());

            Assert.Equal(1, now);
            var device = recordKey.Split('/')[1];
            Assert.Contains($"FAIL {recordKey} (device {device}): rewritten: deleted ", nowError.ToString());
            Assert.Contains($"FAIL {imageKey} (device {device}): rewritten: overwritten ", nowError.ToString());
            Assert.True(written == 0, writtenError.ToString());
            Assert.Contains("OK: 6 records verified", writtenOut.ToString());
            Assert.Contains($"WARN {recordKey}: deleted ", writtenError.ToString());
            Assert.Equal(ExitCodes.Usage, onDirectory);
        }
    }

    [Fact]
    public async Task Verify_command_on_a_locked_bucket_reports_each_objects_retention()
    {
        var (job, bucket) = await StoreJobAsync(objectLockDays: 2);
        using (job)
        using (bucket)
        {
            var (output, error) = (new StringWriter(), new StringWriter());

            var code = await EdgeAgentCli.InvokeAsync(CliArgs("verify", job, bucket), output, error);

            Assert.True(code == 0, error.ToString());
            Assert.Contains("OK: 6 records verified", output.ToString());
            var retained = output.ToString().Split('\n').Where(l => l.StartsWith("RETAIN ", StringComparison.Ordinal)).ToList();
            Assert.Equal(12, retained.Count);
            Assert.All(retained, l => Assert.Contains(": COMPLIANCE until ", l));
            Assert.Contains($"RETAIN {job.Relative(1)}: COMPLIANCE until", output.ToString());
            Assert.DoesNotContain(CephRgwProcess.SecretKey, output.ToString() + error.ToString());
        }
    }

    [Fact]
    public async Task Verify_command_fails_objects_locked_for_less_than_the_required_days()
    {
        var (job, bucket) = await StoreJobAsync(objectLockDays: 2);
        using (job)
        using (bucket)
        {
            var args = CliArgs("verify", job, bucket);
            var (output, error) = (new StringWriter(), new StringWriter());

            var enough = await EdgeAgentCli.InvokeAsync([.. args, "--require-retention-days", "1"], new StringWriter(), new StringWriter());
            var tooLittle = await EdgeAgentCli.InvokeAsync([.. args, "--require-retention-days", "30"], output, error);

            Assert.Equal(0, enough);
            Assert.Equal(1, tooLittle);
            Assert.Contains($"FAIL {job.Relative(1)}", error.ToString());
            Assert.Equal(12, error.ToString().Split('\n').Count(l => l.StartsWith("FAIL ", StringComparison.Ordinal) && l.Contains("retention: retention COMPLIANCE until", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Report_command_as_written_copies_the_evidence_the_collector_wrote_from_a_tampered_locked_bucket()
    {
        var (job, bucket) = await StoreJobAsync(objectLockDays: 1);
        using (job)
        using (bucket)
        {
            var (imageKey, _, recordKey, _) = await TamperAsync(job, bucket);
            var args = CliArgs("report", job, bucket);
            var (nowOut, nowError, writtenOut, writtenError) = (new StringWriter(), new StringWriter(), new StringWriter(), new StringWriter());

            var now = await EdgeAgentCli.InvokeAsync([.. args, "-o", temp.Combine("now")], nowOut, nowError);
            var written = await EdgeAgentCli.InvokeAsync([.. args, "-o", temp.Combine("written"), "--as-written"], writtenOut, writtenError);
            var onDirectory = await EdgeAgentCli.InvokeAsync(["report", job.Root, "--as-written"], new StringWriter(), new StringWriter());

            Assert.Equal(1, now);
            Assert.Contains($"FAIL {recordKey}: rewritten: deleted ", nowError.ToString());
            Assert.False(File.Exists(temp.Combine("now", recordKey))); // the copy of the bucket as it is now lacks the deleted record
            Assert.Contains($"{bucket.Location}{recordKey}: rewritten: deleted ", File.ReadAllText(temp.Combine("now", "reports", "index.html"))); // but the auditor's index page names it
            Assert.Contains($"{bucket.Location}{recordKey}: rewritten: deleted ", File.ReadAllText(temp.Combine("now", "reports", "report.json")));
            Assert.True(written == 0, writtenError.ToString());
            Assert.Contains("report: 1 jobs, 6 records, 0 failures", writtenOut.ToString());
            Assert.Equal(File.ReadAllBytes(job.Image(3)), File.ReadAllBytes(temp.Combine("written", imageKey))); // the original, not the overwrite
            Assert.Equal(File.ReadAllBytes(job.Record(6)), File.ReadAllBytes(temp.Combine("written", recordKey)));
            Assert.Contains($"WARN {imageKey}: overwritten ", writtenError.ToString());
            Assert.Equal(ExitCodes.Usage, onDirectory);
        }
    }

    [Fact]
    public async Task Report_command_on_a_bucket_copies_the_evidence_and_writes_the_offline_report()
    {
        var (job, bucket) = await StoreJobAsync();
        using (job)
        using (bucket)
        {
            var (output, error) = (new StringWriter(), new StringWriter());

            var code = await EdgeAgentCli.InvokeAsync([.. CliArgs("report", job, bucket), "-o", temp.Combine("copy")], output, error);

            Assert.True(code == 0, error.ToString());
            Assert.Contains("report: 1 jobs, 6 records", output.ToString());
            Assert.True(File.Exists(temp.Combine("copy", "reports", "index.html")));
            Assert.Equal(File.ReadAllBytes(job.Image(2)), File.ReadAllBytes(temp.Combine("copy", Path.ChangeExtension(job.Relative(2), ".jpg"))));
        }
    }

    public void Dispose()
    {
        admin.Dispose();
        temp.Dispose();
    }
}
