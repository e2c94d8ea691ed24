using EdgeAgent.Central.Collector;

namespace EdgeAgent.Central.Reporting;

/// <summary>
/// Copies an evidence store that is not a directory (an S3 bucket) into a directory store, so the static, offline
/// report has the images beside it. Keys from the bucket are checked segment by segment; one that could leave the
/// directory is skipped and named.
/// </summary>
public static class StoreSnapshot
{
    /// <summary>Copies every record and its image; returns the keys it refused to copy.</summary>
    public static IReadOnlyList<string> CopyTo(IEvidenceStore store, string directory)
    {
        var root = Path.GetFullPath(directory);
        var refused = new List<string>();
        foreach (var pair in store.List())
        {
            if (!Safe(pair.RecordKey))
            {
                refused.Add(pair.RecordKey);
                continue;
            }

            foreach (var key in new[] { pair.ImageKey, pair.RecordKey })
            {
                if (store.Read(key) is { } bytes)
                {
                    var path = Path.Combine(root, key);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.WriteAllBytes(path, bytes);
                }
            }
        }

        return refused;
    }

    private static bool Safe(string key) =>
        key.Split('/').All(s => s.Length > 0 && s is not "." and not ".." && !s.Contains('\\', StringComparison.Ordinal) && !s.Contains('\0', StringComparison.Ordinal));
}
