using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace EdgeAgent.Central.Collector.ObjectStore;

/// <summary>
/// Staged parts in the evidence bucket, so collectors in one shared-subscription group need no shared file system:
/// <c>{prefix}.staging/{device}/{record id N}/{index:D6}.{count:D6}.part</c>, the device id encoded with
/// <see cref="SafePath.Segment"/> (<see cref="S3EvidenceStore.List"/> skips <c>.staging/</c>). Parts are written without
/// Object Lock headers, and deleting a record's parts deletes every version of them (and any delete marker), so a
/// versioned bucket (Object Lock turns versioning on) keeps no hidden copies. A bucket with a default retention rule would
/// lock every part: <see cref="CheckAsync"/> refuses it. The bucket, prefix, credentials and client settings are the evidence
/// store's (<see cref="S3ClientFactory"/>).
/// </summary>
/// <remarks>
/// Synchronous, as <see cref="ChunkStaging"/> is; each call waits for the SDK's HTTP request. A failing request is an
/// <see cref="IOException"/>, which the collector treats as transient: the message is not acknowledged, and redelivered.
/// </remarks>
public sealed class S3StagedParts : IStagedParts, IDisposable
{
    private const string Root = ".staging/";

    /// <summary>Keys a DeleteObjects request may name (the S3 limit).</summary>
    private const int DeleteBatch = 1000;

    private readonly AmazonS3Client client;
    private readonly bool ownsClient;
    private readonly S3StoreOptions options;

    /// <summary>With a client of its own, built as the evidence store's is.</summary>
    public S3StagedParts(S3StoreOptions options)
        : this(S3ClientFactory.Create(options), options, ownsClient: true)
    {
    }

    /// <summary>On <paramref name="client"/> (the evidence store's), which the caller disposes.</summary>
    internal S3StagedParts(AmazonS3Client client, S3StoreOptions options, bool ownsClient = false)
    {
        this.client = client;
        this.options = options;
        this.ownsClient = ownsClient;
    }

    public string Location => options.Location + Root;

    /// <summary>Test seam: keys per listing page (the server's default when null).</summary>
    internal int? ListPageSize { get; init; }

    public async Task CheckAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var configuration = await client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = options.Bucket }, cancellationToken);
            if (configuration.ObjectLockConfiguration?.Rule?.DefaultRetention is { } retention && (retention.Days > 0 || retention.Years > 0))
            {
                var period = retention.Years > 0 ? $"{retention.Years} years" : $"{retention.Days} days";
                throw new StoreCheckException(
                    $"--shared-group with --store {options.Location}: bucket '{options.Bucket}' has a default Object Lock retention rule ({retention.Mode?.Value} {period}), " +
                    "so the image chunks staged in it for the group could never be deleted; remove the bucket's default retention " +
                    "(the collector locks each record and image itself with --object-lock-days), or run the collector without --shared-group");
            }
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "ObjectLockConfigurationNotFoundError" or "InvalidRequest")
        {
            // no Object Lock on the bucket: nothing locks the parts
        }
        catch (AmazonServiceException ex)
        {
            throw new StoreCheckException($"--store: cannot stage chunks in bucket '{options.Bucket}' at {options.ServiceUrl ?? "AWS"}: {ex.ErrorCode} {ex.Message}", ex);
        }
    }

    public void Write(string deviceId, Guid recordId, int index, int count, ReadOnlySpan<byte> data)
    {
        var bytes = data.ToArray();
        Call(() => client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = options.Bucket,
            Key = RecordPrefix(deviceId, recordId) + StagedPart.Name(index, count),
            InputStream = new MemoryStream(bytes, writable: false),
            ContentType = "application/octet-stream",
#pragma warning disable CA5351 // Content-MD5 is the transfer check S3 servers verify, not a security measure
            MD5Digest = Convert.ToBase64String(MD5.HashData(bytes)),
#pragma warning restore CA5351
            UseChunkEncoding = false,
        }));
    }

    public long? Length(string deviceId, Guid recordId, int index, int count)
    {
        try
        {
            return Call(() => client.GetObjectMetadataAsync(options.Bucket, RecordPrefix(deviceId, recordId) + StagedPart.Name(index, count))).ContentLength;
        }
        catch (IOException ex) when (ex.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            return null;
        }
    }

    public IReadOnlyList<StagedPart> List(string deviceId, Guid recordId)
    {
        var prefix = RecordPrefix(deviceId, recordId);
        return [.. Objects(prefix)
            .Select(o => (Object: o, Name: StagedPart.ParseName(o.Key[prefix.Length..])))
            .Where(p => p.Name is not null)
            .Select(p => new StagedPart(p.Name!.Value.Index, p.Name!.Value.Count, p.Object.Size ?? 0))];
    }

    public void Read(string deviceId, Guid recordId, StagedPart part, Span<byte> destination)
    {
        using var response = Call(() => client.GetObjectAsync(options.Bucket, RecordPrefix(deviceId, recordId) + StagedPart.Name(part.Index, part.Count)));
        if (response.ContentLength != destination.Length)
        {
            throw new IOException($"staged part {part.Index} of {part.Count} for {recordId} is {response.ContentLength} bytes, not {destination.Length} (staged again meanwhile)");
        }

        response.ResponseStream.ReadExactly(destination);
    }

    public bool Exists(string deviceId, Guid recordId) =>
        Call(() => client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = options.Bucket, Prefix = RecordPrefix(deviceId, recordId), MaxKeys = 1 })).S3Objects is { Count: > 0 };

    /// <summary>Every version of every part of the record, delete markers included: nothing of it is left in the bucket.</summary>
    public void Delete(string deviceId, Guid recordId) => DeleteVersions(RecordPrefix(deviceId, recordId));

    /// <exception cref="StoreCheckException">The bucket cannot be listed (missing, unreachable, not allowed).</exception>
    public IEnumerable<StagedImage> LoadAll()
    {
        try
        {
            return [.. Load()];
        }
        catch (IOException ex)
        {
            throw new StoreCheckException($"--store: cannot read the chunks staged in {Location}: {ex.Message}", ex);
        }
    }

    private IEnumerable<StagedImage> Load()
    {
        var root = options.Prefix + Root;
        var found = new Dictionary<string, List<S3Object>>(StringComparer.Ordinal);
        foreach (var item in Objects(root))
        {
            var segments = item.Key[root.Length..].Split('/');
            var recordPrefix = segments.Length == 3 ? root + segments[0] + "/" + segments[1] + "/" : null;
            if (recordPrefix is null)
            {
                DeleteVersions(item.Key); // not ours: the device resends
                continue;
            }

            if (!found.TryGetValue(recordPrefix, out var objects))
            {
                found[recordPrefix] = objects = [];
            }

            objects.Add(item);
        }

        foreach (var (recordPrefix, objects) in found)
        {
            var segments = recordPrefix[root.Length..].Split('/');
            var deviceId = SafePath.Decode(segments[0]);
            var first = StagedPart.ParseName(objects[0].Key[recordPrefix.Length..]);
            if (deviceId is null || !Guid.TryParseExact(segments[1], "N", out var recordId) || first is null || RecordPrefix(deviceId, recordId) != recordPrefix)
            {
                DeleteVersions(recordPrefix); // not ours: the device resends
                continue;
            }

            yield return new StagedImage(deviceId, recordId, first.Value.Count, objects.Sum(o => o.Size ?? 0), objects.Max(o => new DateTimeOffset(DateTime.SpecifyKind(o.LastModified ?? DateTime.UtcNow, DateTimeKind.Utc))));
        }
    }

    /// <summary>The key prefix of a record's parts; the device id is encoded, never used as is.</summary>
    private string RecordPrefix(string deviceId, Guid recordId) => options.Prefix + Root + SafePath.Segment(deviceId) + "/" + recordId.ToString("N") + "/";

    private IEnumerable<S3Object> Objects(string prefix)
    {
        string? token = null;
        do
        {
            var page = Call(() => client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = options.Bucket, Prefix = prefix, ContinuationToken = token, MaxKeys = ListPageSize }));
            foreach (var item in page.S3Objects ?? [])
            {
                yield return item;
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    private void DeleteVersions(string prefix)
    {
        List<KeyVersion> versions = [];
        string? keyMarker = null;
        string? versionMarker = null;
        do
        {
            var page = Call(() => client.ListVersionsAsync(new ListVersionsRequest { BucketName = options.Bucket, Prefix = prefix, KeyMarker = keyMarker, VersionIdMarker = versionMarker, MaxKeys = ListPageSize }));
            versions.AddRange((page.Versions ?? []).Select(v => new KeyVersion { Key = v.Key, VersionId = v.VersionId }));
            (keyMarker, versionMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextVersionIdMarker) : (null, null);
        }
        while (keyMarker is not null);

        foreach (var batch in versions.Chunk(DeleteBatch))
        {
            var response = Call(() => client.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = options.Bucket, Objects = [.. batch], Quiet = true }));
            if (response.DeleteErrors is [var error, ..])
            {
                throw new IOException($"cannot delete staged part {error.Key} (version {error.VersionId}) in bucket '{options.Bucket}': {error.Code} {error.Message}");
            }
        }
    }

    /// <summary>Waits for one request; a failure is an <see cref="IOException"/> (transient for the collector).</summary>
    private T Call<T>(Func<Task<T>> request)
    {
        try
        {
            return request().GetAwaiter().GetResult();
        }
        catch (AmazonServiceException ex)
        {
            throw new IOException($"chunk staging in {Location}: {ex.ErrorCode} {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new IOException($"chunk staging in {Location}: {ex.Message}", ex);
        }
    }

    public void Dispose()
    {
        if (ownsClient)
        {
            client.Dispose();
        }
    }
}
