using Amazon.S3;
using EdgeAgent.Central.Collector.ObjectStore;
using EdgeAgent.Tests.Outbox;
using EdgeAgent.Tests.Uplink;

namespace EdgeAgent.Tests.Central.Collector.ObjectStore;

/// <summary>A clip record through a real collector into a real Ceph RGW bucket: stored once as <c>.clip.json</c> and <c>.mp4</c> (video/mp4), verified, idempotent.</summary>
[Collection(CephCollection.Name)]
public sealed class S3ClipStoreTests(CephFixture ceph) : IDisposable
{
    private readonly SignedChainFixture fixture = new();
    private readonly AmazonS3Client admin = CephBuckets.Client(ceph.Server);

    [Fact]
    public async Task A_clip_lands_in_the_bucket_as_video_mp4_beside_its_record_and_verifies()
    {
        var mp4 = await TestMp4.TenSecondsAsync();
        var bucket = await CephBuckets.CreateAsync(admin, objectLock: false);
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = new CollectorHarness(fixture.Root, new BrokerOptions { Url = broker.Url }, keysDirectory: fixture.KeysDirectory, objectStore: ceph.Server.Options(bucket));
        await collector.StartAsync();
        await using var device = new UplinkHarness(fixture.Combine("device"), broker.Url, deviceId: "dev-1");
        var photo = TestRecords.Image(1);
        await EvidenceFixtures.AppendChainedAsync(device.Outbox, (sequence, prevHash) => EvidenceSignature.Sign(TestRecords.Unsigned(sequence, prevHash, photo), fixture.Key), photo);
        var clip = await EvidenceFixtures.AppendChainedAsync(device.Outbox, (sequence, prevHash) => EvidenceSignature.Sign(TestRecords.UnsignedClip(sequence, prevHash, mp4), fixture.Key), mp4);

        await device.StartAsync();
        await collector.WaitForStoredAsync(2, TimeSpan.FromSeconds(120));

        var recordKey = EvidenceLayout.RecordKey(clip);
        Assert.EndsWith(".clip.json", recordKey, StringComparison.Ordinal);
        var videoKey = EvidenceLayout.ImageKeyOf(recordKey);
        Assert.EndsWith(".mp4", videoKey, StringComparison.Ordinal);
        Assert.Contains(videoKey, await CephBuckets.KeysAsync(admin, bucket));
        var metadata = await admin.GetObjectMetadataAsync(bucket, videoKey);
        Assert.Equal(ClipStamp.ContentType, metadata.Headers.ContentType);

        using var store = new S3EvidenceStore(ceph.Server.Options(bucket));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(mp4)), Convert.ToHexStringLower(SHA256.HashData(store.Read(videoKey)!)));
        using var keys = EnrolledKeys.Load(fixture.KeysDirectory);
        var report = EvidenceVerifier.Verify(store, keys);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(2, report.Records);

        // Stored again (a resend): the same key, nothing new written.
        var before = (await admin.ListVersionsAsync(bucket)).Versions.Count;
        Assert.Equal(recordKey, store.Store(clip, clip.ToJson(), mp4));
        Assert.Equal(before, (await admin.ListVersionsAsync(bucket)).Versions.Count);
    }

    public void Dispose()
    {
        admin.Dispose();
        fixture.Dispose();
    }
}
