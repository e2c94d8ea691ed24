using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Collector.ObjectStore;

/// <summary>
/// The evidence store in an S3-compatible bucket: the same keys as the directory store (<see cref="EvidenceLayout"/>)
/// under an optional prefix, the image written before the record, and a record already stored is not written again.
/// Every PUT carries <c>Content-MD5</c> of the bytes sent and <c>x-amz-checksum-sha256</c> of the bytes the record
/// vouches for (the image's SHA-256 from the record; the record's own SHA-256), so the server refuses a corrupted
/// upload (<see cref="PutRequest"/> says which server checks which). With <see cref="S3StoreOptions.ObjectLockDays"/>, every object is written with Object Lock in COMPLIANCE
/// mode: nobody, the bucket owner included, can delete or overwrite that version before its retention date.
/// </summary>
/// <remarks>
/// The store is synchronous, as the collector's intake is; each call waits for the SDK's HTTP request. The
/// collector handles one message at a time per connection, so this blocks one thread, never the pool.
/// Under group commit (<see cref="BeginBatch"/>) nothing waits: each pair's existence check and two PUTs (image, then
/// record) run in the background, the batch's pairs concurrently, and <see cref="CommitBatch"/> waits for all of them.
/// </remarks>
public sealed class S3EvidenceStore : IEvidenceStore, IGroupCommitStore, IVersionedStore
{
    private readonly List<Task> uploads = [];
    private readonly Dictionary<string, byte[]> uploading = new(StringComparer.Ordinal);
    private bool batching;

    private readonly AmazonS3Client client;
    private readonly S3StoreOptions options;
    private readonly TimeProvider timeProvider;

    public S3EvidenceStore(S3StoreOptions options, TimeProvider? timeProvider = null)
    {
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        client = S3ClientFactory.Create(options);
    }

    public string Location => options.Location;

    /// <summary>Test seam: keys per listing page (the server's default, 1,000 on S3 and Ceph, when null).</summary>
    internal int? ListPageSize { get; init; }

    /// <summary>Keys a batch found held by another record, remembered for their redelivery (1,024 at most; a test seam sets fewer).</summary>
    internal ContestedKeys Contested { get; init; } = new(1024);

    /// <summary>Listing pages requested by <see cref="List"/> since open.</summary>
    internal int PagesListed => Volatile.Read(ref pagesListed);

    private int pagesListed;

    /// <summary>Version listing pages requested by <see cref="Rewritten"/> and <see cref="AsWritten"/> reads since open.</summary>
    internal int VersionPagesListed => Volatile.Read(ref versionPagesListed);

    private int versionPagesListed;

    public bool SupportsRetention => true;

    /// <inheritdoc/>
    /// <remarks>For <c>verify --as-written</c>; the collector never sets it.</remarks>
    public bool AsWritten { get; init; }

    /// <summary>With <see cref="AsWritten"/>: every evidence key's versions, listed once on first use.</summary>
    private Dictionary<string, ObjectHistory>? histories;

    /// <summary>The SDK client, for callers that manage the bucket itself (creating it, reading its lock configuration).</summary>
    internal AmazonS3Client Client => client;

    public async Task CheckAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (options.ObjectLockDays is null)
            {
                await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = options.Bucket, Prefix = options.Prefix, MaxKeys = 1 }, cancellationToken);
                return;
            }

            var configuration = await client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = options.Bucket }, cancellationToken);
            if (configuration.ObjectLockConfiguration?.ObjectLockEnabled != ObjectLockEnabled.Enabled)
            {
                throw new StoreCheckException($"--object-lock-days: bucket '{options.Bucket}' does not have Object Lock enabled (create it with Object Lock, or leave out --object-lock-days)");
            }
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "ObjectLockConfigurationNotFoundError" or "InvalidRequest")
        {
            throw new StoreCheckException($"--object-lock-days: bucket '{options.Bucket}' does not have Object Lock enabled (create it with Object Lock, or leave out --object-lock-days)", ex);
        }
        catch (AmazonServiceException ex)
        {
            throw new StoreCheckException($"--store: cannot use bucket '{options.Bucket}' at {options.ServiceUrl ?? "AWS"}: {ex.ErrorCode} {ex.Message}", ex);
        }
    }

    public void BeginBatch() => batching = true;

    /// <summary>Waits for every PUT of the batch; throws the first failure (then the batch must not be acknowledged).</summary>
    public void CommitBatch()
    {
        batching = false;
        try
        {
            Task.WhenAll(uploads).GetAwaiter().GetResult();
        }
        finally
        {
            uploads.Clear();
            uploading.Clear();
        }
    }

    /// <summary>
    /// Forgets the batch. PUTs already sent cannot be called back: they finish (or fail) here, and an object that
    /// landed is found by the redelivered record's existence check and not written again.
    /// </summary>
    public void AbortBatch()
    {
        batching = false;
        try
        {
            Task.WhenAll(uploads).Wait();
        }
        catch (AggregateException)
        {
            // the batch is redelivered either way
        }
        finally
        {
            uploads.Clear();
            uploading.Clear();
        }
    }

    private async Task PutPairAsync(string imageKey, byte[] image, byte[] imageSha256, string recordKey, byte[] recordJson, string contentType)
    {
        await client.PutObjectAsync(PutRequest(imageKey, image, imageSha256, contentType)).ConfigureAwait(false);
        await client.PutObjectAsync(PutRequest(recordKey, recordJson, SHA256.HashData(recordJson), "application/json")).ConfigureAwait(false); // the record last
    }

    public string Store(EvidenceRecord record, byte[] recordJson, byte[] image)
    {
        var key = EvidenceLayout.RecordKey(record);
        var contentType = record.Clip is null ? "image/jpeg" : ClipStamp.ContentType;
        var imageSha256 = Convert.FromHexString(record.Image.Sha256);
        if (batching && !uploading.ContainsKey(key) && !Contested.Contains(key))
        {
            // The existence check runs with the PUTs, in the background, so a batch's checks overlap instead of
            // queueing one round trip each on the collector's loop. A key found held by another record fails the
            // batch (CommitBatch throws, nothing is acknowledged); redelivered, the record takes the checked path below.
            uploading[key] = recordJson;
            uploads.Add(Task.Run(() => CheckAndPutPairAsync(key, record.RecordId, image, imageSha256, recordJson, contentType)));
            return key;
        }

        if (ReadIfExists(key) is { } existing)
        {
            if (SameRecord(existing, record.RecordId))
            {
                return key; // stored before, image first: nothing to do
            }

            // Another record claims this sequence (a device whose outbox was reset): keep both.
            key = EvidenceLayout.RecordKey(record, disambiguated: true);
            if (ReadIfExists(key) is { } again && SameRecord(again, record.RecordId))
            {
                return key;
            }
        }

        if (batching)
        {
            uploading[key] = recordJson;
            uploads.Add(Task.Run(() => PutPairAsync(EvidenceLayout.ImageKeyOf(key), image, imageSha256, key, recordJson, contentType)));
            return key;
        }

        Put(EvidenceLayout.ImageKeyOf(key), image, imageSha256, contentType);
        Put(key, recordJson, SHA256.HashData(recordJson), "application/json"); // the record last: its presence means the pair is complete
        return key;
    }

    /// <summary>The batch's path: the pair under <paramref name="key"/> unless that key is already stored.</summary>
    /// <exception cref="KeyHeldException">The key holds another record: the batch must not commit.</exception>
    private async Task CheckAndPutPairAsync(string key, Guid recordId, byte[] image, byte[] imageSha256, byte[] recordJson, string contentType)
    {
        if (await ReadIfExistsAsync(key).ConfigureAwait(false) is { } existing)
        {
            if (SameRecord(existing, recordId))
            {
                return; // stored before, image first (a redelivery after a crash): nothing to write
            }

            Contested.Add(key);
            throw new KeyHeldException(key, recordId);
        }

        await PutPairAsync(EvidenceLayout.ImageKeyOf(key), image, imageSha256, key, recordJson, contentType).ConfigureAwait(false);
    }

    public IEnumerable<StoredPair> List()
    {
        if (AsWritten)
        {
            foreach (var history in Histories().Values.Where(h => h.Written is not null && h.Key.EndsWith(EvidenceLayout.RecordExtension, StringComparison.Ordinal)))
            {
                yield return new StoredPair(history.Key, EvidenceLayout.ImageKeyOf(history.Key));
            }

            yield break;
        }

        string? token = null;
        do
        {
            var page = Wait(client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = options.Bucket, Prefix = options.Prefix, ContinuationToken = token, MaxKeys = ListPageSize }));
            Interlocked.Increment(ref pagesListed);
            foreach (var item in page.S3Objects ?? [])
            {
                var key = item.Key[options.Prefix.Length..];
                if (key.EndsWith(EvidenceLayout.RecordExtension, StringComparison.Ordinal) && IsEvidence(key))
                {
                    yield return new StoredPair(key, EvidenceLayout.ImageKeyOf(key));
                }
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    public byte[]? Read(string key) =>
        AsWritten ? (Histories().GetValueOrDefault(key)?.Written is { } written ? Wait(GetAsync(key, written.VersionId)) : null)
        : uploading.TryGetValue(key, out var unsent) ? unsent : Wait(GetAsync(key)); // unsent: stored in the open batch, still on its way

    /// <inheritdoc/>
    public IEnumerable<ObjectHistory> Rewritten() =>
        (AsWritten ? Histories() : ListHistories()).Values.Where(h => h.Changed);

    private Dictionary<string, ObjectHistory> Histories() => histories ??= ListHistories();

    private Dictionary<string, ObjectHistory> ListHistories() =>
        BucketVersions.List(client, options, ListPageSize, IsEvidence, () => Interlocked.Increment(ref versionPagesListed));

    /// <summary>A record or image key: not a staged chunk, not a report.</summary>
    private static bool IsEvidence(string key) => !key.StartsWith("reports/", StringComparison.Ordinal) && !key.StartsWith(".staging/", StringComparison.Ordinal);

    /// <summary>
    /// <see cref="Read"/> for the existence check on the store path, where the object is almost always absent: a HEAD
    /// first, the GET only when it is there. A GET that finds nothing took 47–50 ms against Ceph's gateway on this host
    /// (its 404 answer waits on a delayed ACK), a HEAD 5–10 ms.
    /// </summary>
    private byte[]? ReadIfExists(string key) =>
        uploading.TryGetValue(key, out var unsent) ? unsent : Wait(ReadIfExistsAsync(key));

    private async Task<byte[]?> ReadIfExistsAsync(string key)
    {
        try
        {
            await client.GetObjectMetadataAsync(options.Bucket, options.Prefix + key).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await GetAsync(key).ConfigureAwait(false);
    }

    /// <summary>The object's bytes; null when there is none.</summary>
    private async Task<byte[]?> GetAsync(string key, string? versionId = null)
    {
        try
        {
            using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = options.Bucket, Key = options.Prefix + key, VersionId = versionId }).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public StoredRetention? Retention(string key)
    {
        try
        {
            var version = AsWritten ? Histories().GetValueOrDefault(key)?.Written?.VersionId : null;
            var response = Wait(client.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = options.Bucket, Key = options.Prefix + key, VersionId = version }));
            return response.Retention is { Mode: { } mode, RetainUntilDate: { } until }
                ? new StoredRetention(mode.Value, new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc)))
                : null;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
        {
            return null; // no retention on this object (or none on the bucket)
        }
    }

    /// <summary>Writes one object; <paramref name="sha256"/> is what the bytes must hash to.</summary>
    private void Put(string key, byte[] bytes, byte[] sha256, string contentType) =>
        Wait(client.PutObjectAsync(PutRequest(key, bytes, sha256, contentType)));

    /// <summary>
    /// The PUT for one object: <c>Content-MD5</c> of the bytes (every S3 server checks it, and Object Lock requires it),
    /// <c>x-amz-checksum-sha256</c> of what the record vouches for (checked by servers with S3 additional checksums;
    /// Ceph 16 ignores it), and the retention when Object Lock days are configured.
    /// </summary>
    internal PutObjectRequest PutRequest(string key, byte[] bytes, byte[] sha256, string contentType)
    {
        var request = new PutObjectRequest
        {
            BucketName = options.Bucket,
            Key = options.Prefix + key,
            InputStream = new MemoryStream(bytes, writable: false),
            ContentType = contentType,
#pragma warning disable CA5351 // Content-MD5 is the transfer check S3 requires with Object Lock, not a security measure
            MD5Digest = Convert.ToBase64String(MD5.HashData(bytes)),
#pragma warning restore CA5351
            ChecksumSHA256 = Convert.ToBase64String(sha256),
            UseChunkEncoding = false,
        };
        if (options.ObjectLockDays is { } days)
        {
            request.ObjectLockMode = ObjectLockMode.Compliance;
            request.ObjectLockRetainUntilDate = timeProvider.GetUtcNow().UtcDateTime.AddDays(days);
        }

        return request;
    }

    private static bool SameRecord(byte[] json, Guid recordId)
    {
        try
        {
            return EvidenceRecord.FromJson(json).RecordId == recordId;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    public void Dispose() => client.Dispose();
}
