using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeAgent.Central.Collector.ObjectStore;
using EdgeAgent.Tests.Outbox;
using EdgeAgent.Tests.Uplink;

namespace EdgeAgent.Tests.Central.Collector.ObjectStore;

/// <summary>The S3 evidence store against a real Ceph RADOS Gateway: layout, idempotence, checksums and Object Lock.</summary>
[Collection(CephCollection.Name)]
public sealed class S3EvidenceStoreTests(CephFixture ceph) : IDisposable
{
    private readonly SignedChainFixture fixture = new();
    private readonly AmazonS3Client admin = CephBuckets.Client(ceph.Server);

    [Fact]
    public async Task Records_from_a_device_through_the_collector_land_in_the_bucket_under_compliance_retention()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = new CollectorHarness(fixture.Root, new BrokerOptions { Url = broker.Url }, keysDirectory: fixture.KeysDirectory, objectStore: ceph.Server.Options(bucket, objectLockDays: 1));
        await collector.StartAsync();
        await using var device = new UplinkHarness(fixture.Combine("device"), broker.Url, deviceId: "dev-1");
        for (var i = 1; i <= 3; i++)
        {
            var image = TestRecords.Image(i);
            await EvidenceFixtures.AppendChainedAsync(device.Outbox, (sequence, prevHash) => EvidenceSignature.Sign(TestRecords.Unsigned(sequence, prevHash, image), fixture.Key), image);
        }

        await device.StartAsync();
        await collector.WaitForStoredAsync(3, TimeSpan.FromSeconds(30));
        collector.Service.Intake.Staging.WaitForBackgroundWork(); // staged chunks are deleted in the background

        var expected = collector.Stored.SelectMany(r => new[] { EvidenceLayout.RecordKey(r), EvidenceLayout.ImageKeyOf(EvidenceLayout.RecordKey(r)) }).Order(StringComparer.Ordinal);
        Assert.Equal(expected, await CephBuckets.KeysAsync(admin, bucket));
        Assert.Empty(Directory.EnumerateFiles(fixture.Root, "*.jpg", SearchOption.AllDirectories)); // evidence only in the bucket
        using var keys = EnrolledKeys.Load(fixture.KeysDirectory);
        using var store = new S3EvidenceStore(ceph.Server.Options(bucket));
        var report = EvidenceVerifier.Verify(store, keys);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(3, report.Records);
        Assert.Equal(6, report.Retention.Count);
        Assert.All(report.Retention, r => Assert.Equal("COMPLIANCE", r.Retention?.Mode));
        Assert.All(report.Retention, r => Assert.InRange(r.Retention!.RetainUntil, DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(25)));
    }

    [Fact]
    public async Task A_locked_record_cannot_be_deleted_shortened_or_replaced_before_its_retention_date()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        var (record, image) = fixture.Chain(1)[0];
        using var store = new S3EvidenceStore(ceph.Server.Options(bucket, objectLockDays: 1));
        var key = store.Store(record, record.ToJson(), image);
        var original = await admin.GetObjectMetadataAsync(bucket, key);

        var delete = await Assert.ThrowsAsync<AmazonS3Exception>(() => admin.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, VersionId = original.VersionId }));
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        var shorten = await Assert.ThrowsAsync<AmazonS3Exception>(() => admin.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = bucket,
            Key = key,
            VersionId = original.VersionId,
            Retention = new ObjectLockRetention { Mode = ObjectLockRetentionMode.Compliance, RetainUntilDate = DateTime.UtcNow.AddMinutes(1) },
        }));
        Assert.Equal(HttpStatusCode.Forbidden, shorten.StatusCode);

        // A PUT on the same key only stacks a new version on top; the locked version stays as it was, and verify sees the change.
        await admin.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "{}" });
        using var kept = await admin.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = original.VersionId });
        using var bytes = new MemoryStream();
        await kept.ResponseStream.CopyToAsync(bytes);
        Assert.Equal(record.ToJson(), bytes.ToArray());
        Assert.False(EvidenceVerifier.Verify(store).Ok);
    }

    [Fact]
    public async Task Storing_the_same_record_twice_writes_each_object_once()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        var (record, image) = fixture.Chain(1)[0];
        using var store = new S3EvidenceStore(ceph.Server.Options(bucket, objectLockDays: 1));

        var first = store.Store(record, record.ToJson(), image);
        var second = store.Store(record, record.ToJson(), image);
        store.BeginBatch(); // a batch checks in the background, with its PUTs (a redelivery after a crash)
        var third = store.Store(record, record.ToJson(), image);
        store.CommitBatch();

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        var versions = await admin.ListVersionsAsync(bucket);
        Assert.Equal(2, versions.Versions.Count); // one image, one record
        Assert.Equal(image, store.Read(EvidenceLayout.ImageKeyOf(first)));
    }

    [Fact]
    public async Task An_upload_corrupted_on_the_way_is_refused_by_the_server()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        var (record, image) = fixture.Chain(1)[0];
        using var store = new S3EvidenceStore(ceph.Server.Options(bucket, objectLockDays: 1));
        var request = store.PutRequest(EvidenceLayout.ImageKeyOf(EvidenceLayout.RecordKey(record)), image, Convert.FromHexString(record.Image.Sha256), "image/jpeg");
        var corrupted = (byte[])image.Clone();
        corrupted[^1] ^= 0x01;
        request.InputStream = new MemoryStream(corrupted); // one bit flipped between the store and the server

        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => admin.PutObjectAsync(request));

        Assert.Equal("BadDigest", refused.ErrorCode);
        Assert.Empty(await CephBuckets.KeysAsync(admin, bucket));
    }

    [Fact]
    public async Task A_collector_asked_for_retention_on_a_bucket_without_object_lock_does_not_start()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: false);
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = new CollectorHarness(fixture.Root, new BrokerOptions { Url = broker.Url }, objectStore: ceph.Server.Options(bucket, objectLockDays: 1));

        var refused = await Assert.ThrowsAsync<StoreCheckException>(collector.StartAsync);

        Assert.Contains("--object-lock-days", refused.Message, StringComparison.Ordinal);
        Assert.Contains(bucket, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_record_claiming_a_stored_sequence_is_kept_beside_it()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: false);
        var (record, image) = fixture.Chain(1)[0];
        var other = record with { RecordId = Guid.NewGuid() };
        using var store = new S3EvidenceStore(ceph.Server.Options(bucket));

        var first = store.Store(record, record.ToJson(), image);
        var second = store.Store(other, other.ToJson(), image);

        Assert.Equal(EvidenceLayout.RecordKey(other, disambiguated: true), second);
        Assert.Equal(2, store.List().Count());
        Assert.Equal(record.RecordId, EvidenceRecord.FromJson(store.Read(first)!).RecordId);
    }

    [Fact]
    public async Task A_device_whose_outbox_was_reset_has_its_records_kept_beside_the_old_ones_with_a_warning_not_an_error()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: false);
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = new CollectorHarness(fixture.Root, new BrokerOptions { Url = broker.Url }, keysDirectory: fixture.KeysDirectory, objectStore: ceph.Server.Options(bucket));
        await collector.StartAsync();
        foreach (var outbox in new[] { "device", "device-reset" }) // the same device, its outbox emptied: sequences 1 and 2 again
        {
            await using var device = new UplinkHarness(fixture.Combine(outbox), broker.Url, deviceId: "dev-1");
            for (var i = 1; i <= 2; i++)
            {
                var image = TestRecords.Image(i);
                await EvidenceFixtures.AppendChainedAsync(device.Outbox, (sequence, prevHash) => EvidenceSignature.Sign(TestRecords.Unsigned(sequence, prevHash, image), fixture.Key), image);
            }

            await device.StartAsync();
            await collector.WaitForStoredAsync(outbox == "device" ? 2 : 4, TimeSpan.FromSeconds(30));
        }

        collector.Service.Intake.Staging.WaitForBackgroundWork();
        var stored = collector.Stored;
        var expected = stored.Take(2).Select(r => EvidenceLayout.RecordKey(r)).Concat(stored.Skip(2).Select(r => EvidenceLayout.RecordKey(r, disambiguated: true)));
        Assert.Equal(expected.Order(StringComparer.Ordinal), (await CephBuckets.KeysAsync(admin, bucket)).Where(k => k.EndsWith(".json", StringComparison.Ordinal)));
        Assert.True(collector.Service.Health.KeyHeld >= 1, "the redelivered batch is counted for ops");
        Assert.Equal(0, collector.Service.Health.TransientFailures); // and not as a fault
        var metrics = collector.Service.Health.ToPrometheus();
        Assert.Matches(@"\nedgeagent_collector_key_held_total [1-9]\d*\n", metrics);
        var (exit, lint) = await EdgeAgent.Tests.Control.MetricsTests.PromtoolCheckAsync(metrics);
        Assert.True(exit == 0 && lint.Length == 0, $"promtool check metrics exited {exit}: {lint}");
        Assert.Contains(collector.Warnings, w => w.Contains("[7019]", StringComparison.Ordinal) && (w.Contains(stored[2].RecordId.ToString(), StringComparison.Ordinal) || w.Contains(stored[3].RecordId.ToString(), StringComparison.Ordinal)));
    } // the harness fails the test if anything was logged as an error (before: event 7017, "could not be made durable")

    [Fact]
    public async Task A_batch_record_whose_key_another_record_holds_fails_the_batch_and_is_kept_beside_it_when_redelivered()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: false);
        var (record, image) = fixture.Chain(1)[0];
        var other = record with { RecordId = Guid.NewGuid() };
        using var store = new S3EvidenceStore(ceph.Server.Options(bucket));
        var first = store.Store(record, record.ToJson(), image);

        store.BeginBatch();
        store.Store(other, other.ToJson(), image);
        var failed = Assert.Throws<KeyHeldException>(store.CommitBatch); // found only by the batch's background check
        store.BeginBatch(); // the redelivery
        var second = store.Store(other, other.ToJson(), image);
        store.CommitBatch();

        Assert.Equal((first, other.RecordId), (failed.Key, failed.RecordId));
        Assert.Equal(1, store.Contested.Count); // kept: every later delivery of it takes the checked path too
        Assert.Equal(EvidenceLayout.RecordKey(other, disambiguated: true), second);
        Assert.Equal(record.RecordId, EvidenceRecord.FromJson(store.Read(first)!).RecordId);
        Assert.Equal(other.RecordId, EvidenceRecord.FromJson(store.Read(second)!).RecordId);
        Assert.Equal(4, (await admin.ListVersionsAsync(bucket)).Versions.Count); // two pairs, nothing written twice
    }

    [Fact]
    public async Task Two_records_of_a_reset_device_redelivered_together_are_stored_on_the_second_try_not_failed_in_turn()
    {
        // The first batch held only the first record; the redelivery brings both. Before, the key that took the
        // checked path was forgotten, so each redelivery failed on the other record's key, for ever.
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: false);
        var chain = fixture.Chain(2);
        var others = chain.Select(c => (Record: c.Record with { RecordId = Guid.NewGuid() }, c.Image)).ToArray();
        using var store = new S3EvidenceStore(ceph.Server.Options(bucket));
        foreach (var (record, image) in chain)
        {
            store.Store(record, record.ToJson(), image);
        }

        void Deliver(params (EvidenceRecord Record, byte[] Image)[] items)
        {
            store.BeginBatch();
            foreach (var (record, image) in items)
            {
                store.Store(record, record.ToJson(), image);
            }

            store.CommitBatch();
        }

        Assert.Throws<KeyHeldException>(() => Deliver(others[0]));
        Assert.Throws<KeyHeldException>(() => Deliver(others)); // the second record's key is new to the store
        Deliver(others);

        Assert.Equal(8, (await admin.ListVersionsAsync(bucket)).Versions.Count); // four pairs, each written once
    }

    [Fact]
    public async Task Contested_keys_are_remembered_up_to_a_bound_and_a_forgotten_one_costs_one_more_redelivery_not_the_record()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: false);
        var chain = fixture.Chain(2);
        var others = chain.Select(c => (Record: c.Record with { RecordId = Guid.NewGuid() }, c.Image)).ToArray();
        using var store = new S3EvidenceStore(ceph.Server.Options(bucket)) { Contested = new ContestedKeys(1) };
        foreach (var (record, image) in chain)
        {
            store.Store(record, record.ToJson(), image);
        }

        string Deliver((EvidenceRecord Record, byte[] Image) item)
        {
            store.BeginBatch();
            var key = store.Store(item.Record, item.Record.ToJson(), item.Image);
            store.CommitBatch();
            return key;
        }

        Assert.Throws<KeyHeldException>(() => Deliver(others[0]));
        Assert.Throws<KeyHeldException>(() => Deliver(others[1]));
        Assert.Equal(1, store.Contested.Count); // the first key was forgotten to keep the bound
        var second = Deliver(others[1]);
        Assert.Throws<KeyHeldException>(() => Deliver(others[0])); // forgotten: one more redelivery
        var first = Deliver(others[0]);

        Assert.Equal(others.Select(o => EvidenceLayout.RecordKey(o.Record, disambiguated: true)), [first, second]);
        Assert.Equal(8, (await admin.ListVersionsAsync(bucket)).Versions.Count); // four pairs, nothing written twice
    }

    private EvidenceIntake BucketIntake(string root, S3StoreOptions bucket) =>
        EvidenceIntake.Open(new CollectorOptions { Broker = new BrokerOptions { Url = "mqtt://127.0.0.1:1" }, OutputDirectory = fixture.Combine(root), KeysDirectory = fixture.KeysDirectory, ObjectStore = bucket }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    [Fact]
    public async Task A_batch_of_ten_records_is_put_concurrently_and_every_object_is_in_the_bucket_when_the_batch_commits()
    {
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        using var intake = BucketIntake("batch", ceph.Server.Options(bucket, objectLockDays: 1));
        Assert.True(intake.SupportsGroupCommit);
        var announced = new List<Guid>();
        intake.RecordStored += (_, r) => announced.Add(r.RecordId);
        var chain = fixture.Chain(10);

        intake.BeginBatch();
        Assert.All(chain, item => Assert.Equal(EdgeAgent.Protocol.ReceiptStatus.Stored, SignedChainFixture.Deliver(intake, item).Status));
        Assert.Empty(announced); // nothing announced (nor acknowledged, in the collector) before the batch's PUTs all succeeded
        Assert.Empty(intake.Index.ChainBreaks("dev-1")); // links checked against predecessors still on their way
        intake.CommitBatch();

        Assert.Equal(chain.Select(c => c.Record.RecordId), announced);
        Assert.Equal(20, (await CephBuckets.KeysAsync(admin, bucket)).Count); // every image and record, once
        using var keys = EnrolledKeys.Load(fixture.KeysDirectory);
        using var store = new S3EvidenceStore(ceph.Server.Options(bucket));
        var report = EvidenceVerifier.Verify(store, keys);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(10, report.Records);
        Assert.All(report.Retention, r => Assert.Equal("COMPLIANCE", r.Retention?.Mode));
    }

    [Fact]
    public async Task A_bucket_listed_over_many_pages_is_verified_record_for_record()
    {
        // 12 pairs are 24 objects: with 5 keys per page the listing takes five pages, as a bucket of more than 1,000
        // objects takes several at the server's default page size; a listing that stopped after one page would see 2 records.
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: true);
        var chain = fixture.Chain(12);
        using (var writer = new S3EvidenceStore(ceph.Server.Options(bucket, objectLockDays: 1)))
        {
            foreach (var (record, image) in chain)
            {
                writer.Store(record, record.ToJson(), image);
            }
        }

        using var keys = EnrolledKeys.Load(fixture.KeysDirectory);
        using var store = new S3EvidenceStore(ceph.Server.Options(bucket)) { ListPageSize = 5 };
        var report = EvidenceVerifier.Verify(store, keys);

        Assert.Equal(5, store.PagesListed);
        Assert.Equal(5, store.VersionPagesListed); // the versions too (24, one each): a listing that stopped early would miss what was written on top
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(12, report.Records);
        Assert.Equal(chain.Select(c => EvidenceLayout.RecordName(c.Record)).Order(StringComparer.Ordinal), store.List().Select(p => p.RecordKey.Split('/')[^1]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_batch_whose_PUTs_the_server_refuses_is_not_committed_and_nothing_of_it_is_indexed()
    {
        // A bucket that does not exist: the server answers every PUT NoSuchBucket.
        using var intake = BucketIntake("refused", ceph.Server.Options("no-such-bucket-" + Guid.NewGuid().ToString("N")[..8]));
        var announced = 0;
        intake.RecordStored += (_, _) => announced++;
        var chain = fixture.Chain(3);

        intake.BeginBatch();
        foreach (var item in chain)
        {
            SignedChainFixture.Deliver(intake, item);
        }

        Assert.ThrowsAny<AmazonS3Exception>(intake.CommitBatch);
        Assert.Equal(0, announced);
        Assert.All(chain, item => Assert.False(intake.Index.Contains(item.Record.RecordId)));
    }

    public void Dispose()
    {
        admin.Dispose();
        fixture.Dispose();
    }
}
