using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Procedure;

/// <summary>An ordered list of steps that a job at a point walks through.</summary>
public sealed record ProcedureTemplate
{
    public required string Id { get; init; }

    public int Version { get; init; } = 1;

    public Dictionary<string, string> Names { get; init; } = [];

    public required IReadOnlyList<ProcedureStep> Steps { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    /// <summary>Loads every <c>*.json</c> template in a directory, failing with the file and key of the first error.</summary>
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
            templates[template.Id] = template;
        }

        return templates;
    }

    public static ProcedureTemplate Load(string file)
    {
        ProcedureTemplate? template;
        try
        {
            template = JsonSerializer.Deserialize<ProcedureTemplate>(File.ReadAllBytes(file), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"procedure '{file}': {ex.Path}: {ex.Message}", ex);
        }

        if (template is null || template.Steps.Count == 0)
        {
            throw new InvalidDataException($"procedure '{file}': steps: at least one step is required");
        }

        var duplicate = template.Steps.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"procedure '{file}': steps: id '{duplicate.Key}' appears twice");
        }

        return template;
    }
}

public sealed record ProcedureStep
{
    public required string Id { get; init; }

    /// <summary>Display names by language (<c>en</c>, <c>zh</c>, …).</summary>
    public Dictionary<string, string> Names { get; init; } = [];

    /// <summary>What moves the job into this step.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<StepAdvance>))]
    public StepAdvance AdvanceOn { get; init; } = StepAdvance.Manual;

    /// <summary>Photos per camera taken when the step is reached.</summary>
    public int Photos { get; init; } = 1;

    public string Name(string language = "en") => Names.GetValueOrDefault(language) ?? Names.GetValueOrDefault("en") ?? Id;
}

public enum StepAdvance
{
    [JsonStringEnumMemberName("manual")]
    Manual,

    [JsonStringEnumMemberName("lock-on")]
    LockOn,

    [JsonStringEnumMemberName("last-lock-off")]
    LastLockOff,

    [JsonStringEnumMemberName("command")]
    Command,
}
