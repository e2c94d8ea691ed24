namespace EdgeAgent.Central.Collector.ObjectStore;

/// <summary>
/// An S3-compatible bucket as evidence store (<c>s3://bucket/prefix</c>). The keys are secrets: they come from
/// the environment or a credentials file (<see cref="S3Credentials"/>), and this type never prints them.
/// </summary>
public sealed class S3StoreOptions
{
    public const string Scheme = "s3://";

    public required string Bucket { get; init; }

    /// <summary>Key prefix inside the bucket, empty or ending in '/'.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>The S3 endpoint, e.g. <c>https://s3.example.net</c> or a RADOS Gateway; null: AWS.</summary>
    public string? ServiceUrl { get; init; }

    public string Region { get; init; } = "us-east-1";

    public required S3Credentials Credentials { get; init; }

    /// <summary>Days each object is kept write-once (S3 Object Lock, COMPLIANCE mode); null: no retention is set.</summary>
    public int? ObjectLockDays { get; init; }

    public string Location => Scheme + Bucket + "/" + Prefix;

    public static bool IsLocation(string? value) => value?.StartsWith(Scheme, StringComparison.Ordinal) == true;

    /// <summary>Splits <c>s3://bucket/prefix</c>; returns an error text (naming what is valid) or null.</summary>
    public static string? TryParseLocation(string value, out string bucket, out string prefix)
    {
        bucket = prefix = "";
        if (!IsLocation(value))
        {
            return $"'{value}' is not an s3://bucket[/prefix] location";
        }

        var rest = value[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        bucket = slash < 0 ? rest : rest[..slash];
        prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        prefix = prefix.Length == 0 ? "" : prefix + "/";
        return bucket.Length is >= 3 and <= 63 && bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')
            ? null
            : $"'{bucket}' is not a bucket name (3-63 characters: lower-case letters, digits, '-', '.')";
    }
}
