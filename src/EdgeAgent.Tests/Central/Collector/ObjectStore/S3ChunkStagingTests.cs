using Amazon.S3;
using Amazon.S3.Model;
using EdgeAgent.Central.Collector.ObjectStore;

namespace EdgeAgent.Tests.Central.Collector.ObjectStore;

/// <summary>
/// Chunk staging in the evidence bucket (<see cref="S3StagedParts"/>) against a real Ceph RADOS Gateway: members of one
/// shared-subscription group, each with its own local directory, complete each other's images through the bucket, and
/// nothing staged (no object, no version, no delete marker) is left once the record is stored.
/// </summary>
[Collection(CephCollection.Name)]
public sealed class S3ChunkStagingTests(CephFixture ceph) : IDisposable
{
    private const string Prefix = "plant-3/";
    private readonly SignedChainFixture fixture = new();
    private readonly AmazonS3Client admin = CephBuckets.Client(ceph.Server);

    private EvidenceIntake Member(string bucket, string name, string? group = "collectors") =>
        EvidenceIntake.Open(
            new CollectorOptions
            {
                Broker = new BrokerOptions { Url = "mqtt://127.0.0.1:1" },
                OutputDirectory = fixture.Combine(name),
                SubscriptionGroup = group,
                KeysDirectory = fixture.KeysDirectory,
                ObjectStore = ceph.Server.Options(bucket, objectLockDays: 1, prefix: Prefix),
            },
            NullLogger.Instance);

    [Fact]
    public async Task A_chunk_staged_by_one_member_completes_the_record_another_member_gets_and_no_version_of_it_is_left()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        var (record, image) = fixture.Chain(1)[0];
        using var a = Member(bucket, "member-a");
        using var b = Member(bucket, "member-b");

        Assert.Null(a.AcceptChunk(record.DeviceId, record.RecordId.ToString(), "0", "1", image));
        Assert.Null(a.AcceptChunk(record.DeviceId, record.RecordId.ToString(), "0", "1", image)); // redelivered: a second version of the part
        Assert.Equal([$"{Prefix}.staging/dev-1/{record.RecordId:N}/000000.000001.part"], await StagedKeysAsync(bucket));
        Assert.Equal(2, (await StagedVersionsAsync(bucket)).Count);
        Assert.Empty(Directory.EnumerateFiles(fixture.Combine("member-a"), "*.part", SearchOption.AllDirectories)); // nothing on member A's disk

        var receipt = b.AcceptRecord(record.DeviceId, record.ToJson())!;
        b.Staging.WaitForBackgroundWork(); // the parts are deleted in the background

        Assert.Equal(ReceiptStatus.Stored, receipt.Status);
        var stored = b.Store.Read(EvidenceLayout.ImageKeyOf(b.Store.List().Single().RecordKey))!;
        Assert.Equal(record.Image.Sha256, Convert.ToHexStringLower(SHA256.HashData(stored)), ignoreCase: true);
        Assert.Equal(image, stored);
        Assert.Empty(await StagedVersionsAsync(bucket)); // every version and no delete marker
        Assert.Empty(await StagedKeysAsync(bucket));
    }

    [Fact]
    public async Task An_image_in_three_chunks_split_between_two_members_is_assembled_by_the_one_that_gets_the_record()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        var (record, image) = fixture.Chain(1)[0];
        var third = image.Length / 3;
        var chunks = new[] { image[..third], image[third..(2 * third)], image[(2 * third)..] };
        using var a = Member(bucket, "member-a");
        using var b = Member(bucket, "member-b");

        a.BeginBatch();
        Assert.Null(a.AcceptChunk(record.DeviceId, record.RecordId.ToString(), "0", "3", chunks[0]));
        Assert.Null(a.AcceptChunk(record.DeviceId, record.RecordId.ToString(), "2", "3", chunks[2]));
        a.Staging.WaitForBackgroundWork(); // written in the background, not held for the commit:
        Assert.Equal(2, (await StagedKeysAsync(bucket)).Count); // in the bucket before A's batch commits: B may get the record now
        Assert.Equal(0, a.Staging.HeldChunks);
        a.CommitBatch();

        b.BeginBatch();
        Assert.Equal([1], b.Staging.Missing(record.DeviceId, record.RecordId));
        Assert.Null(b.AcceptChunk(record.DeviceId, record.RecordId.ToString(), "1", "3", chunks[1]));
        Assert.Equal(ReceiptStatus.Stored, b.AcceptRecord(record.DeviceId, record.ToJson())!.Status);
        b.CommitBatch();
        b.Staging.WaitForBackgroundWork();

        Assert.Equal(image, b.Store.Read(EvidenceLayout.ImageKeyOf(b.Store.List().Single().RecordKey)));
        Assert.Empty(await StagedVersionsAsync(bucket));
    }

    [Fact]
    public async Task Chunks_staged_in_the_bucket_are_picked_up_by_a_restarted_member_with_an_empty_local_directory()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        var (record, image) = fixture.Chain(1)[0];
        var half = image.Length / 2;
        using (var before = Member(bucket, "before-restart"))
        {
            Assert.Null(before.AcceptChunk(record.DeviceId, record.RecordId.ToString(), "0", "2", image.AsSpan(0, half)));
        }

        using var after = Member(bucket, "after-restart");

        Assert.Equal(1, after.Staging.PendingImages);
        Assert.Equal(half, after.Staging.StagedBytes);
        Assert.Equal([1], after.Staging.Missing(record.DeviceId, record.RecordId));
        Assert.Null(after.AcceptChunk(record.DeviceId, record.RecordId.ToString(), "1", "2", image.AsSpan(half)));
        Assert.Equal(ReceiptStatus.Stored, after.AcceptRecord(record.DeviceId, record.ToJson())!.Status);
        after.Staging.WaitForBackgroundWork();
        Assert.Equal(image, after.Store.Read(EvidenceLayout.ImageKeyOf(after.Store.List().Single().RecordKey)));
        Assert.Equal(0, after.Staging.StagedBytes);
        Assert.Empty(await StagedVersionsAsync(bucket));
    }

    [Fact]
    public async Task A_single_collector_on_a_bucket_stages_on_its_local_disk()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        var (record, image) = fixture.Chain(1)[0];
        using var single = Member(bucket, "single", group: null);

        Assert.Null(single.AcceptChunk(record.DeviceId, record.RecordId.ToString(), "0", "2", image.AsSpan(0, 10)));

        Assert.Single(Directory.EnumerateFiles(Path.Combine(fixture.Combine("single"), ".staging"), "*.part", SearchOption.AllDirectories));
        Assert.Empty(await StagedVersionsAsync(bucket));
    }

    [Fact]
    public async Task A_collector_of_a_shared_group_refuses_to_start_on_a_bucket_with_a_default_retention_rule()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        await admin.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = bucket,
            ObjectLockConfiguration = new ObjectLockConfiguration
            {
                ObjectLockEnabled = ObjectLockEnabled.Enabled,
                Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Governance, Days = 1 } },
            },
        });
        await using var collector = new CollectorHarness(fixture.Combine("member"), new BrokerOptions { Url = "mqtt://127.0.0.1:1" }, sharedGroup: "collectors", keysDirectory: fixture.KeysDirectory, objectStore: ceph.Server.Options(bucket, objectLockDays: 1));

        var refused = await Assert.ThrowsAsync<StoreCheckException>(collector.StartAsync);

        Assert.Contains("default Object Lock retention rule", refused.Message, StringComparison.Ordinal);
        Assert.Contains(bucket, refused.Message, StringComparison.Ordinal);
        Assert.Contains("--shared-group", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_device_id_with_slashes_and_dots_is_one_encoded_key_segment()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: false);
        using var parts = new S3StagedParts(ceph.Server.Options(bucket, prefix: Prefix));
        var recordId = Guid.NewGuid();

        parts.Write("../cv.1/x", recordId, 0, 1, [1, 2, 3]);
        parts.Settle();

        Assert.Equal([$"{Prefix}.staging/%2E%2E%2Fcv%2E1%2Fx/{recordId:N}/000000.000001.part"], await CephBuckets.KeysAsync(admin, bucket));
        Assert.Equal([new StagedPart(0, 1, 3)], parts.List("../cv.1/x", recordId));
        Assert.Equal(new StagedImage("../cv.1/x", recordId, 1, 3, default), parts.LoadAll().Single() with { LastWrite = default });
        parts.Delete("../cv.1/x", recordId);
        parts.WaitIdle(TimeSpan.FromSeconds(30));
        Assert.Empty(await CephBuckets.KeysAsync(admin, bucket));
    }

    [Fact]
    public async Task A_part_written_in_a_batch_is_read_back_at_once_and_a_delete_right_after_it_leaves_no_version()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        using var parts = new S3StagedParts(ceph.Server.Options(bucket, prefix: Prefix));
        byte[] chunk = [4, 5, 6, 7];

        // Ten records, each written and at once deleted: every delete is queued after its record's PUT, never beside it.
        var read = Enumerable.Range(0, 10).Select(_ =>
        {
            var recordId = Guid.NewGuid();
            parts.Write("dev-1", recordId, 0, 1, chunk); // not settled: the PUT may still be on its way
            var listed = parts.List("dev-1", recordId).Single();
            var bytes = new byte[listed.Length];
            parts.Read("dev-1", recordId, listed, bytes);
            parts.Delete("dev-1", recordId);
            return bytes;
        }).ToList();
        parts.Settle();
        parts.WaitIdle(TimeSpan.FromSeconds(30));

        Assert.All(read, bytes => Assert.Equal(chunk, bytes));
        Assert.Empty(await StagedVersionsAsync(bucket));
        Assert.Equal(0, parts.FailedDeletes);
    }

    [Fact]
    public void A_write_the_server_refuses_is_read_back_from_memory_fails_the_settle_and_a_refused_delete_is_logged()
    {
        var logger = new ListLogger<S3StagedParts>();
        var missing = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8];
        using var parts = new S3StagedParts(ceph.Server.Options(missing, prefix: Prefix), logger);
        var recordId = Guid.NewGuid();

        parts.Write("dev-1", recordId, 0, 1, [1, 2, 3]); // returns at once: the PUT runs in the background
        var listed = parts.List("dev-1", recordId); // from memory: no request (the bucket would refuse it)
        var refused = Assert.Throws<IOException>(parts.Settle); // where the collector waits before acknowledging the chunk
        parts.Delete("dev-1", recordId);
        parts.WaitIdle(TimeSpan.FromSeconds(30));

        Assert.Equal([new StagedPart(0, 1, 3)], listed);
        Assert.Contains("NoSuchBucket", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, parts.FailedDeletes);
        Assert.Contains(logger.Lines, line => line.EventId == 7018 && line.Message.Contains(recordId.ToString(), StringComparison.Ordinal));
    }

    private async Task<List<string>> StagedKeysAsync(string bucket) =>
        [.. ((await admin.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = Prefix + ".staging/" })).S3Objects ?? []).Select(o => o.Key)];

    /// <summary>Every version under <c>.staging/</c>, delete markers included.</summary>
    private async Task<List<string>> StagedVersionsAsync(string bucket) =>
        [.. ((await admin.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = Prefix + ".staging/" })).Versions ?? []).Select(v => $"{v.Key} {v.VersionId}{(v.IsDeleteMarker == true ? " (delete marker)" : "")}")];

    public void Dispose()
    {
        admin.Dispose();
        fixture.Dispose();
    }
}
