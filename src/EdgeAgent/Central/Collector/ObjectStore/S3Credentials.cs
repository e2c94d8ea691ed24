namespace EdgeAgent.Central.Collector.ObjectStore;

/// <summary>
/// An access key pair for the bucket, read from the environment (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>)
/// or from a file of the same <c>NAME=value</c> lines (a systemd <c>EnvironmentFile</c>). <see cref="ToString"/> shows
/// the key id only, so logging this never leaks the secret.
/// </summary>
public sealed class S3Credentials(string accessKeyId, string secretAccessKey)
{
    public const string AccessKeyVariable = "AWS_ACCESS_KEY_ID";
    public const string SecretKeyVariable = "AWS_SECRET_ACCESS_KEY";

    public string AccessKeyId { get; } = accessKeyId;

    internal string SecretAccessKey { get; } = secretAccessKey;

    /// <summary>From <paramref name="file"/> when given, else the environment; throws naming what is missing.</summary>
    public static S3Credentials Load(string? file)
    {
        var values = file is null ? null : File.ReadAllLines(file)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim().Trim('"'), StringComparer.Ordinal);
        string? Get(string name) => values is null ? Environment.GetEnvironmentVariable(name) : values.GetValueOrDefault(name);
        var id = Get(AccessKeyVariable);
        var secret = Get(SecretKeyVariable);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
        {
            throw new Configuration.ConfigException([$"{(file is null ? "the environment" : $"--s3-credentials-file '{file}'")} must set {AccessKeyVariable} and {SecretKeyVariable}"]);
        }

        return new S3Credentials(id, secret);
    }

    public override string ToString() => $"{AccessKeyId} (secret not shown)";
}
