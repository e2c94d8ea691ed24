using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace EdgeAgent.Tests.Central.Collector.ObjectStore;

/// <summary>A plain S3 client on the test gateway, acting as the bucket's administrator (or an attacker with its keys).</summary>
internal static class CephBuckets
{
    public static AmazonS3Client Client(CephRgwProcess ceph) =>
        new(new BasicAWSCredentials(CephRgwProcess.AccessKey, CephRgwProcess.SecretKey), new AmazonS3Config
        {
            ServiceURL = ceph.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    /// <summary>A fresh bucket; with <paramref name="objectLock"/> it has Object Lock (and so versioning) enabled.</summary>
    public static async Task<string> CreateAsync(AmazonS3Client client, bool objectLock)
    {
        var name = "evidence-" + Guid.NewGuid().ToString("N")[..12];
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name, ObjectLockEnabledForBucket = objectLock });
        return name;
    }

    public static async Task<List<string>> KeysAsync(AmazonS3Client client, string bucket) =>
        [.. ((await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal)];
}
