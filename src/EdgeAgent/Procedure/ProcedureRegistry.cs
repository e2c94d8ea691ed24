using EdgeAgent.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Procedure;

/// <summary>Loads the procedure templates and keeps one <see cref="PointProcedure"/> per configured point.</summary>
public sealed class ProcedureRegistry
{
    private readonly Dictionary<string, PointEntry> points;

    private ProcedureRegistry(IReadOnlyDictionary<string, ProcedureTemplate> templates, Dictionary<string, PointEntry> points)
    {
        Templates = templates;
        this.points = points;
    }

    /// <summary>
    /// Loads the templates from <see cref="EdgeAgentOptions.ProceduresDirectory"/> and opens each configured point with
    /// its saved state (<see cref="PointProcedure.Open"/>): the disk work, done once when the registry is resolved.
    /// </summary>
    public static ProcedureRegistry Open(IOptions<EdgeAgentOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = new PointStateStore(options.Value.StateDirectory, timeProvider);
        var directory = options.Value.ProceduresDirectory;
        if (!Path.IsPathRooted(directory))
        {
            directory = Path.Combine(AppContext.BaseDirectory, directory);
        }

        IReadOnlyDictionary<string, ProcedureTemplate> templates;
        try
        {
            templates = ProcedureTemplate.LoadDirectory(directory);
        }
        catch (InvalidDataException ex)
        {
            throw new ConfigException([$"ProceduresDirectory: {ex.Message}"]);
        }

        var points = new Dictionary<string, PointEntry>(StringComparer.Ordinal);
        foreach (var point in options.Value.Points)
        {
            if (!templates.TryGetValue(point.Procedure, out var template))
            {
                throw new ConfigException([$"Points:{point.Id}:Procedure: unknown procedure '{point.Procedure}'; valid: {string.Join(", ", templates.Keys)}"]);
            }

            points[point.Id] = new PointEntry(point, PointProcedure.Open(point.Id, template, store, TimeSpan.FromSeconds(point.BadgeBindSeconds)));
        }

        return new ProcedureRegistry(templates, points);
    }

    public IReadOnlyDictionary<string, ProcedureTemplate> Templates { get; }

    public IReadOnlyCollection<PointEntry> All => points.Values;

    public PointEntry Get(string pointId) =>
        points.TryGetValue(pointId, out var entry) ? entry : throw new KeyNotFoundException($"unknown point '{pointId}'");

    public sealed record PointEntry(PointOptions Options, PointProcedure Procedure);
}
