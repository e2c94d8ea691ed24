using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
/// Writes and deletes run in the background, in order per record (a record's reads wait for them): each request took
/// 2–20 ms against Ceph's gateway on this host, and the collector's loop waited for a PUT per chunk, a listing and a
/// GET per record and a listing and a delete per stored record, one after another. <see cref="Settle"/> waits for the
/// writes (the collector calls it before it acknowledges their chunks); parts written since then are also kept in
/// memory, so a record arriving in the same batch as its chunks is assembled without a request. A deletion that fails
/// is logged and its parts are left to the sweep. Reads are synchronous. A failing request is an
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
    private readonly ILogger logger;

    private readonly Lock gate = new();

    /// <summary>Per record prefix: its last background request; the next one for that record starts after it.</summary>
    private readonly Dictionary<string, Task> queued = new(StringComparer.Ordinal);

    /// <summary>Writes since the last <see cref="Settle"/>.</summary>
    private readonly List<Task> writes = [];

    /// <summary>Parts written since the last <see cref="Settle"/>, by key: read from here, not the bucket.</summary>
    private readonly Dictionary<string, byte[]> unsettled = new(StringComparer.Ordinal);

    /// <summary>With a client of its own, built as the evidence store's is.</summary>
    public S3StagedParts(S3StoreOptions options, ILogger? logger = null)
        : this(S3ClientFactory.Create(options), options, logger, ownsClient: true)
    {
    }

    /// <summary>On <paramref name="client"/> (the evidence store's), which the caller disposes after this.</summary>
    internal S3StagedParts(AmazonS3Client client, S3StoreOptions options, ILogger? logger = null, bool ownsClient = false)
    {
        this.client = client;
        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
        this.ownsClient = ownsClient;
    }

    /// <summary>Deletions that failed since open (their parts are left to the sweep).</summary>
    internal int FailedDeletes => Volatile.Read(ref failedDeletes);

    private int failedDeletes;

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

    /// <summary>Starts the PUT in the background; <see cref="Settle"/> waits for it.</summary>
    public void Write(string deviceId, Guid recordId, int index, int count, ReadOnlySpan<byte> data)
    {
        var bytes = data.ToArray();
        var prefix = RecordPrefix(deviceId, recordId);
        var key = prefix + StagedPart.Name(index, count);
        var request = new PutObjectRequest
        {
            BucketName = options.Bucket,
            Key = key,
            InputStream = new MemoryStream(bytes, writable: false),
            ContentType = "application/octet-stream",
#pragma warning disable CA5351 // Content-MD5 is the transfer check S3 servers verify, not a security measure
            MD5Digest = Convert.ToBase64String(MD5.HashData(bytes)),
#pragma warning restore CA5351
            UseChunkEncoding = false,
        };
        lock (gate)
        {
            unsettled[key] = bytes;
            writes.Add(Enqueue(prefix, () => CallAsync(() => client.PutObjectAsync(request))));
        }
    }

    /// <summary>Waits for every write started since the last call; throws the first failure as an <see cref="IOException"/>.</summary>
    public void Settle()
    {
        Task[] pending;
        lock (gate)
        {
            pending = [.. writes];
            writes.Clear();
            unsettled.Clear(); // read from the bucket from now on, after their writes (Wait)
        }

        Task.WhenAll(pending).GetAwaiter().GetResult();
    }

    public long? Length(string deviceId, Guid recordId, int index, int count)
    {
        var prefix = RecordPrefix(deviceId, recordId);
        if (Unsettled(prefix + StagedPart.Name(index, count)) is { } bytes)
        {
            return bytes.Length;
        }

        Wait(prefix);
        try
        {
            return Call(() => client.GetObjectMetadataAsync(options.Bucket, prefix + StagedPart.Name(index, count))).ContentLength;
        }
        catch (IOException ex) when (ex.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            return null;
        }
    }

    public IReadOnlyList<StagedPart> List(string deviceId, Guid recordId)
    {
        var prefix = RecordPrefix(deviceId, recordId);
        lock (gate)
        {
            // Every part of the record written here since the last Settle: the image is complete without asking the bucket.
            List<StagedPart> mine = [.. unsettled.Where(u => u.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(u => (Name: StagedPart.ParseName(u.Key[prefix.Length..]), u.Value.Length))
                .Where(p => p.Name is not null)
                .Select(p => new StagedPart(p.Name!.Value.Index, p.Name!.Value.Count, p.Length))];
            if (mine.Count > 0 && mine.All(p => p.Count == mine.Count))
            {
                return mine;
            }
        }

        Wait(prefix);
        return [.. Objects(prefix)
            .Select(o => (Object: o, Name: StagedPart.ParseName(o.Key[prefix.Length..])))
            .Where(p => p.Name is not null)
            .Select(p => new StagedPart(p.Name!.Value.Index, p.Name!.Value.Count, p.Object.Size ?? 0))];
    }

    public void Read(string deviceId, Guid recordId, StagedPart part, Span<byte> destination)
    {
        var prefix = RecordPrefix(deviceId, recordId);
        if (Unsettled(prefix + StagedPart.Name(part.Index, part.Count)) is { } bytes && bytes.Length == destination.Length)
        {
            bytes.CopyTo(destination);
            return;
        }

        Wait(prefix);
        using var response = Call(() => client.GetObjectAsync(options.Bucket, prefix + StagedPart.Name(part.Index, part.Count)));
        if (response.ContentLength != destination.Length)
        {
            throw new IOException($"staged part {part.Index} of {part.Count} for {recordId} is {response.ContentLength} bytes, not {destination.Length} (staged again meanwhile)");
        }

        response.ResponseStream.ReadExactly(destination);
    }

    public bool Exists(string deviceId, Guid recordId)
    {
        var prefix = RecordPrefix(deviceId, recordId);
        lock (gate)
        {
            if (unsettled.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        Wait(prefix);
        return Call(() => client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = options.Bucket, Prefix = prefix, MaxKeys = 1 })).S3Objects is { Count: > 0 };
    }

    /// <summary>
    /// Every version of every part of the record, delete markers included: nothing of it is left in the bucket. In the
    /// background, after the record's writes; a failure is logged (the parts are found at the next start and swept).
    /// </summary>
    public void Delete(string deviceId, Guid recordId)
    {
        var prefix = RecordPrefix(deviceId, recordId);
        lock (gate)
        {
            foreach (var key in unsettled.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                unsettled.Remove(key);
            }

            _ = Enqueue(prefix, async () =>
            {
                try
                {
                    await DeleteVersionsAsync(prefix).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    Interlocked.Increment(ref failedDeletes);
                    Log.StagedPartsNotDeleted(logger, ex, deviceId, recordId, Location);
                }
            });
        }
    }

    /// <summary>Under <see cref="gate"/>: <paramref name="request"/> after the record's queued requests (whether they failed or not).</summary>
    private Task Enqueue(string prefix, Func<Task> request)
    {
        var previous = queued.GetValueOrDefault(prefix) ?? Task.CompletedTask;
        var next = After(previous, request);
        queued[prefix] = next;
        _ = next.ContinueWith(
            done =>
            {
                lock (gate)
                {
                    if (queued.TryGetValue(prefix, out var last) && last == done)
                    {
                        queued.Remove(prefix);
                    }
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        return next;

        static async Task After(Task previous, Func<Task> request)
        {
            await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await request().ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the record's queued writes and deletes (their failures are reported elsewhere).</summary>
    private void Wait(string prefix)
    {
        Task? pending;
        lock (gate)
        {
            pending = queued.GetValueOrDefault(prefix);
        }

        pending?.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
    }

    private byte[]? Unsettled(string key)
    {
        lock (gate)
        {
            return unsettled.GetValueOrDefault(key);
        }
    }

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

    private void DeleteVersions(string prefix) => DeleteVersionsAsync(prefix).GetAwaiter().GetResult();

    private async Task DeleteVersionsAsync(string prefix)
    {
        List<KeyVersion> versions = [];
        string? keyMarker = null;
        string? versionMarker = null;
        do
        {
            var page = await CallAsync(() => client.ListVersionsAsync(new ListVersionsRequest { BucketName = options.Bucket, Prefix = prefix, KeyMarker = keyMarker, VersionIdMarker = versionMarker, MaxKeys = ListPageSize })).ConfigureAwait(false);
            versions.AddRange((page.Versions ?? []).Select(v => new KeyVersion { Key = v.Key, VersionId = v.VersionId }));
            (keyMarker, versionMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextVersionIdMarker) : (null, null);
        }
        while (keyMarker is not null);

        foreach (var batch in versions.Chunk(DeleteBatch))
        {
            var response = await CallAsync(() => client.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = options.Bucket, Objects = [.. batch], Quiet = true })).ConfigureAwait(false);
            if (response.DeleteErrors is [var error, ..])
            {
                throw new IOException($"cannot delete staged part {error.Key} (version {error.VersionId}) in bucket '{options.Bucket}': {error.Code} {error.Message}");
            }
        }
    }

    /// <summary>Waits for one request; a failure is an <see cref="IOException"/> (transient for the collector).</summary>
    private T Call<T>(Func<Task<T>> request) => CallAsync(request).GetAwaiter().GetResult();

    private async Task<T> CallAsync<T>(Func<Task<T>> request)
    {
        try
        {
            return await request().ConfigureAwait(false);
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

    /// <summary>Waits (at most <paramref name="timeout"/>) for every queued write and delete; their failures are reported elsewhere.</summary>
    internal void WaitIdle(TimeSpan timeout)
    {
        Task[] pending;
        lock (gate)
        {
            pending = [.. queued.Values];
        }

        Task.WhenAll(pending).WaitAsync(timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
    }

    /// <summary>Waits (at most 30 s) for the queued writes and deletes, then lets go of the client.</summary>
    public void Dispose()
    {
        WaitIdle(TimeSpan.FromSeconds(30));
        if (ownsClient)
        {
            client.Dispose();
        }
    }
}
