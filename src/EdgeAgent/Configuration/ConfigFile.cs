using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace EdgeAgent.Configuration;

/// <summary>The full path of the JSON file the agent was started with (null when it was built without one), for <c>doctor</c>.</summary>
public sealed record ConfigFile(string? Path)
{
    public static string? Of(IConfiguration configuration) =>
        configuration is IConfigurationRoot root
            ? root.Providers.OfType<JsonConfigurationProvider>()
                .Select(p => p.Source.FileProvider is PhysicalFileProvider files && p.Source.Path is { } file ? System.IO.Path.Combine(files.Root, file) : null)
                .LastOrDefault(p => p is not null)
            : null;
}
