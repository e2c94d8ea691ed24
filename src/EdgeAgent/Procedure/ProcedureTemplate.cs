using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Procedure;

/// <summary>An ordered list of steps that a job at a point walks through. Files are JSON, checked by <see cref="ProcedureTemplateValidator"/>.</summary>
public sealed record ProcedureTemplate
{
    /// <summary>Editors' pointer to <c>deploy/procedure-template.schema.json</c>; ignored by the agent.</summary>
    [JsonPropertyName("$schema")]
    public string? SchemaReference { get; init; }

    public required string Id { get; init; }

    public int Version { get; init; } = 1;

    public Dictionary<string, string> Names { get; init; } = [];

    public WorkOrderPolicy WorkOrder { get; init; } = new();

    public required IReadOnlyList<ProcedureStep> Steps { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Index of the first step with <paramref name="advance"/>, or -1.</summary>
    public int IndexOf(StepAdvance advance)
    {
        for (var i = 0; i < Steps.Count; i++)
        {
            if (Steps[i].AdvanceOn == advance)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Loads every <c>*.json</c> template in a directory, failing with the file and JSON path of every error.</summary>
    public static IReadOnlyDictionary<string, ProcedureTemplate> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidDataException($"procedures directory '{directory}' does not exist");
        }

        var templates = new Dictionary<string, ProcedureTemplate>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var template = Load(file);
            if (!templates.TryAdd(template.Id, template))
            {
                throw new InvalidDataException($"procedure '{file}': $.id: '{template.Id}' is already defined by another file in {directory}");
            }
        }

        return templates;
    }

    /// <exception cref="InvalidDataException">The file is not JSON or breaks the schema; the message says where and what is valid.</exception>
    public static ProcedureTemplate Load(string file) => Parse(File.ReadAllBytes(file), file);

    public static ProcedureTemplate Parse(ReadOnlySpan<byte> json, string source)
    {
        ProcedureTemplate? template;
        try
        {
            template = JsonSerializer.Deserialize<ProcedureTemplate>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"procedure '{source}': {ex.Path ?? "$"}: {Explain(ex)}", ex);
        }

        if (template is null)
        {
            throw new InvalidDataException($"procedure '{source}': $: a JSON object with \"id\" and \"steps\" is required");
        }

        var errors = ProcedureTemplateValidator.Validate(template);
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"procedure '{source}': " + string.Join($"{Environment.NewLine}  ", errors));
        }

        return template;
    }

    private static string Explain(JsonException ex) =>
        ex.Message.Contains("StepAdvance", StringComparison.Ordinal)
            ? "advanceOn must be one of manual, lock-on, last-lock-off, scan, command, timer"
            : ex.Message.Split(" Path:")[0];
}
