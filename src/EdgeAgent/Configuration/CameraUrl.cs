namespace EdgeAgent.Configuration;

/// <summary>A camera's configured <c>Url</c> as it may be shown: in logs, error messages and hints.</summary>
public static class CameraUrl
{
    /// <summary>The URL with its user:password replaced by <c>***</c>.</summary>
    public static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo)
            ? url.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal)
            : url;
}
