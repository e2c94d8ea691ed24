using EdgeAgent.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Procedure;

/// <summary>Loads the procedure templates and keeps one <see cref="PointProcedure"/> per configured point.</summary>
public sealed class ProcedureRegistry
{
    private readonly Dictionary<string, PointEntry> points;

    public ProcedureRegistry(IOptions<EdgeAgentOptions> options, TimeProvider timeProvider)
    {
        var store = new PointStateStore(options.Value.StateDirectory, timeProvider);
        var directory = options.Value.ProceduresDirectory;
        if (!Path.IsPathRooted(directory))
        {
            directory = Path.Combine(AppContext.BaseDirectory, directory);
        }

        try
        {
            Templates = ProcedureTemplate.LoadDirectory(directory);
        }
        catch (InvalidDataException ex)
        {
            throw new ConfigException([$"ProceduresDirectory: {ex.Message}"]);
        }

        points = new Dictionary<string, PointEntry>(StringComparer.Ordinal);
        foreach (var point in options.Value.Points)
        {
            if (!Templates.TryGetValue(point.Procedure, out var template))
            {
                throw new ConfigException([$"Points:{point.Id}:Procedure: unknown procedure '{point.Procedure}'; valid: {string.Join(", ", Templates.Keys)}"]);
            }

            points[point.Id] = new PointEntry(point, new PointProcedure(point.Id, template, store, TimeSpan.FromSeconds(point.BadgeBindSeconds)));
        }
    }

    public IReadOnlyDictionary<string, ProcedureTemplate> Templates { get; }

    public IReadOnlyCollection<PointEntry> All => points.Values;

    public PointEntry Get(string pointId) =>
        points.TryGetValue(pointId, out var entry) ? entry : throw new KeyNotFoundException($"unknown point '{pointId}'");

    public sealed record PointEntry(PointOptions Options, PointProcedure Procedure);
}
