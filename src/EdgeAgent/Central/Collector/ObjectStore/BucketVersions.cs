using Amazon.S3;
using Amazon.S3.Model;

namespace EdgeAgent.Central.Collector.ObjectStore;

/// <summary>The version listing of a bucket's evidence keys (ListObjectVersions), for <see cref="S3EvidenceStore"/>'s <see cref="IVersionedStore"/> side.</summary>
internal static class BucketVersions
{
    /// <summary>
    /// Every key under the prefix that <paramref name="include"/> accepts, with its versions newest first (as S3 lists
    /// them, delete markers included), in key order. <paramref name="onPage"/> is told of every page requested.
    /// </summary>
    public static Dictionary<string, ObjectHistory> List(AmazonS3Client client, S3StoreOptions options, int? pageSize, Func<string, bool> include, Action onPage)
    {
        var versions = new Dictionary<string, List<ObjectVersion>>(StringComparer.Ordinal);
        string? keyMarker = null;
        string? versionMarker = null;
        do
        {
            var page = client.ListVersionsAsync(new ListVersionsRequest { BucketName = options.Bucket, Prefix = options.Prefix, KeyMarker = keyMarker, VersionIdMarker = versionMarker, MaxKeys = pageSize }).GetAwaiter().GetResult();
            onPage();
            foreach (var version in page.Versions ?? [])
            {
                var key = version.Key[options.Prefix.Length..];
                if (include(key))
                {
                    var modified = new DateTimeOffset(DateTime.SpecifyKind(version.LastModified ?? default, DateTimeKind.Utc));
                    var deleteMarker = version.IsDeleteMarker == true;
                    (versions.TryGetValue(key, out var list) ? list : versions[key] = []).Add(new ObjectVersion(version.VersionId, modified, deleteMarker, deleteMarker ? null : version.ETag));
                }
            }

            (keyMarker, versionMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextVersionIdMarker) : (null, null);
        }
        while (keyMarker is not null);
        return versions.OrderBy(v => v.Key, StringComparer.Ordinal).ToDictionary(v => v.Key, v => new ObjectHistory(v.Key, v.Value), StringComparer.Ordinal);
    }
}
