using System.CommandLine;
using EdgeAgent.Central.Collector.ObjectStore;
using EdgeAgent.Configuration;

namespace EdgeAgent.Cli;

/// <summary>
/// The options that name an S3 bucket as evidence store, shared by <c>collect</c>, <c>verify</c> and <c>report</c>.
/// Credentials come from <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c> or <c>--s3-credentials-file</c>, never from the command line.
/// </summary>
internal sealed class S3Arguments
{
    public Option<string?> Endpoint { get; } = new("--s3-endpoint") { Description = "S3 endpoint URL for an s3:// store, e.g. http://rgw.example:7480 (default: $AWS_ENDPOINT_URL, else AWS)." };

    public Option<string> Region { get; } = new("--s3-region") { Description = "S3 region (signing region) of the bucket.", DefaultValueFactory = _ => "us-east-1" };

    public Option<string?> CredentialsFile { get; } = new("--s3-credentials-file") { Description = "File of AWS_ACCESS_KEY_ID=… and AWS_SECRET_ACCESS_KEY=… lines (default: those environment variables)." };

    public IEnumerable<Option> All => [Endpoint, Region, CredentialsFile];

    /// <summary>The store options for <paramref name="location"/> (<c>s3://bucket/prefix</c>); throws <see cref="ConfigException"/> naming the offending option.</summary>
    public S3StoreOptions Build(ParseResult parse, string location, int? objectLockDays = null)
    {
        if (S3StoreOptions.TryParseLocation(location, out var bucket, out var prefix) is { } problem)
        {
            throw new ConfigException([problem]);
        }

        var file = parse.GetValue(CredentialsFile);
        if (file is not null && !File.Exists(file))
        {
            throw new ConfigException([$"--s3-credentials-file: '{file}' does not exist"]);
        }

        return new S3StoreOptions
        {
            Bucket = bucket,
            Prefix = prefix,
            ServiceUrl = parse.GetValue(Endpoint) ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"),
            Region = parse.GetValue(Region)!,
            Credentials = S3Credentials.Load(file),
            ObjectLockDays = objectLockDays,
        };
    }
}
