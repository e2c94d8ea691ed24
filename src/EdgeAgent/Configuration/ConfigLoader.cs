using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Configuration;

/// <summary>Loads and validates the agent configuration before anything starts.</summary>
public static class ConfigLoader
{
    public const string DefaultPath = "/etc/edgeagent/edgeagent.json";
    public const string EnvironmentPrefix = "EDGEAGENT__";

    /// <summary>Builds the configuration: the JSON file, then <c>EDGEAGENT__…</c> environment variables.</summary>
    public static IConfigurationRoot Build(string path, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException([$"config file '{path}' does not exist; pass --config FILE or create {DefaultPath} (see deploy/edgeagent.example.json)"]);
        }

        CheckSyntax(path);
        try
        {
            return new ConfigurationBuilder()
                .AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .AddInMemoryCollection(overrides ?? [])
                .Build();
        }
        catch (InvalidDataException ex)
        {
            throw new ConfigException([$"config file '{path}' is not valid JSON: {ex.InnerException?.Message ?? ex.Message}"]);
        }
        catch (FormatException ex)
        {
            throw new ConfigException([$"config file '{path}' is not valid JSON: {ex.Message}"]);
        }
    }

    /// <summary>
    /// Parses the file as the JSON provider will (comments and trailing commas allowed) and, when it is not JSON,
    /// names the line and column, which the provider's own message does not.
    /// </summary>
    private static void CheckSyntax(string path)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(
                File.ReadAllBytes(path),
                new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw new ConfigException([$"config file '{path}' is not valid: the top level must be an object {{ ... }}, found {document.RootElement.ValueKind.ToString().ToLowerInvariant()}"]);
            }
        }
        catch (System.Text.Json.JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}" : "";
            var why = ex.Message.Split(" LineNumber:", 2)[0].Split(". Path:", 2)[0].TrimEnd('.');
            throw new ConfigException([$"config file '{path}' is not valid JSON{where}: {why}"]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([$"config file '{path}' cannot be read: {ex.Message}"]);
        }
    }

    /// <summary>Binds and validates; throws <see cref="ConfigException"/> naming every offending key.</summary>
    public static EdgeAgentOptions Load(IConfiguration configuration)
    {
        // Unknown keys and values of the wrong type first: the binder would skip the one and misplace the other.
        if (ConfigKeyCheck.Check(configuration, typeof(EdgeAgentOptions)) is { Count: > 0 } shapeErrors)
        {
            throw new ConfigException(shapeErrors);
        }

        var options = new EdgeAgentOptions();
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigException([ex.InnerException is null ? ex.Message : $"{ex.Message} {ex.InnerException.Message}"]);
        }

        Validate(options);
        return options;
    }

    public static void Validate(EdgeAgentOptions options)
    {
        var errors = new List<string>();
        foreach (IValidateOptions<EdgeAgentOptions> validator in new IValidateOptions<EdgeAgentOptions>[] { new EdgeAgentOptionsValidator(), new EdgeAgentCrossReferenceValidator(), new PathSettingsValidator() })
        {
            var result = validator.Validate(Options.DefaultName, options);
            if (result.Failed)
            {
                errors.AddRange(result.Failures);
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
    }
}

/// <summary>A configuration error; the CLI prints each message and exits 78 (EX_CONFIG).</summary>
public sealed class ConfigException(IReadOnlyList<string> errors)
    : Exception("invalid configuration: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
