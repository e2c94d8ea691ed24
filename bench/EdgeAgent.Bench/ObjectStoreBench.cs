using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeAgent.Central.Collector.ObjectStore;
using EdgeAgent.Tests.Infrastructure;

namespace EdgeAgent.Bench;

/// <summary>A real Ceph RADOS Gateway (one mon, one memstore OSD, on this host) with a fresh Object Lock bucket, for the S3 drain row.</summary>
public static class ObjectStoreBench
{
    public static async Task<(CephRgwProcess Ceph, S3StoreOptions Bucket)> StartAsync(int objectLockDays)
    {
        var ceph = await CephRgwProcess.StartAsync();
        var bucket = "bench-" + Guid.NewGuid().ToString("N")[..12];
        using var client = new AmazonS3Client(
            new BasicAWSCredentials(CephRgwProcess.AccessKey, CephRgwProcess.SecretKey),
            new AmazonS3Config { ServiceURL = ceph.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        return (ceph, ceph.Options(bucket, objectLockDays));
    }
}
