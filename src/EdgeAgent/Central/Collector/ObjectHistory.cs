namespace EdgeAgent.Central.Collector;

/// <summary>
/// One key of a versioned store that holds more than the version the collector wrote: a later version (the key was
/// overwritten) or a delete marker (it was deleted) on top. The collector writes each key once, so the oldest version
/// is its write, and under Object Lock that version can be neither deleted nor changed before its retention date.
/// </summary>
/// <param name="Versions">Newest first, delete markers included.</param>
public sealed record ObjectHistory(string Key, IReadOnlyList<ObjectVersion> Versions)
{
    /// <summary>The version the collector wrote: the oldest that is not a delete marker (null: there is none).</summary>
    public ObjectVersion? Written => Versions.LastOrDefault(v => !v.DeleteMarker);

    /// <summary>What a plain read sees: the newest version, or the delete marker that hides the key.</summary>
    public ObjectVersion Newest => Versions[0];

    /// <summary>
    /// Whether anything other than the collector's own bytes lies on top of its write: a delete marker, or a version
    /// with other bytes (another ETag). The same bytes written again are the collector's retry (a batch whose image
    /// PUT landed but whose record PUT failed writes the image again when redelivered), not a change.
    /// </summary>
    public bool Changed => Versions.Any(v => v.DeleteMarker) || Versions.Select(v => v.ETag).Distinct(StringComparer.Ordinal).Count() > 1;

    /// <summary>What was done on top of the collector's write, for an auditor.</summary>
    public string Describe()
    {
        var written = Written is { } w ? $"the version written {Stamp(w.LastModified)} ({w.VersionId}) is still in the bucket" : "no version of it is left";
        var done = Newest.DeleteMarker
            ? $"deleted {Stamp(Newest.LastModified)} (a delete marker hides it)"
            : $"overwritten {Stamp(Newest.LastModified)} ({Versions.Count - 1} later version(s))";
        return $"{done}; {written}";
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
