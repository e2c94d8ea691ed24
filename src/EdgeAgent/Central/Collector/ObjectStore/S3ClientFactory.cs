using Amazon.Runtime;
using Amazon.S3;

namespace EdgeAgent.Central.Collector.ObjectStore;

/// <summary>The SDK client for a bucket of <see cref="S3StoreOptions"/>, one setting for the evidence store and the chunk staging.</summary>
internal static class S3ClientFactory
{
    public static AmazonS3Client Create(S3StoreOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = true,
            AuthenticationRegion = options.Region,
            // The SDK's default trailing CRC checksums (aws-chunked) are not understood by every S3 server; the callers set their own.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is not null)
        {
            config.ServiceURL = options.ServiceUrl;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        return new AmazonS3Client(new BasicAWSCredentials(options.Credentials.AccessKeyId, options.Credentials.SecretAccessKey), config);
    }
}
