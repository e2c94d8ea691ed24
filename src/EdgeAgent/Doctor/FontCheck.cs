using EdgeAgent.Configuration;
using EdgeAgent.Health;
using EdgeAgent.Procedure;

namespace EdgeAgent.Doctor;

/// <summary>Doctor's <c>fonts</c> line: can the photo stamps draw every configured text (<see cref="StampFontCheck"/>)?</summary>
public static class FontCheck
{
    public static DoctorResult Run(EdgeAgentOptions agent)
    {
        IReadOnlyDictionary<string, ProcedureTemplate> templates;
        try
        {
            var directory = Path.IsPathRooted(agent.ProceduresDirectory) ? agent.ProceduresDirectory : Path.Combine(AppContext.BaseDirectory, agent.ProceduresDirectory);
            templates = Directory.Exists(directory) ? ProcedureTemplate.LoadDirectory(directory) : new Dictionary<string, ProcedureTemplate>();
        }
        catch (InvalidDataException)
        {
            templates = new Dictionary<string, ProcedureTemplate>(); // the config check names broken templates
        }

        var (count, missing) = StampFontCheck.Run(agent, templates);
        return missing.Count == 0
            ? DoctorResult.Pass("fonts", $"photo stamps draw all {count} configured texts (step names in every language, labels, ids)")
            : DoctorResult.Warn("fonts", string.Join("; ", missing.Take(5)) + (missing.Count > 5 ? $"; and {missing.Count - 5} more" : ""), StampFontCheck.Fix);
    }
}
