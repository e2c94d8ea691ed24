using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeAgent.Configuration;
using EdgeAgent.Platform;

namespace EdgeAgent.Procedure;

/// <summary>
/// Keeps each point's <see cref="PointState"/> in <c>{StateDirectory}/points/{point}.json</c>, written atomically
/// (temp file, fsync, rename, fsync directory), so a power cut leaves either the old or the new state.
/// An unreadable file is moved aside (<c>.corrupt-…</c>), never silently overwritten.
/// </summary>
public sealed class PointStateStore(string stateDirectory, TimeProvider timeProvider)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public TimeProvider TimeProvider { get; } = timeProvider;

    public string Directory { get; } = Path.Combine(Path.GetFullPath(stateDirectory), "points");

    /// <summary>The saved state, or null if none; <paramref name="quarantined"/> names a corrupt file moved aside.</summary>
    public PointState? Load(string pointId, out string? quarantined)
    {
        quarantined = null;
        var path = PathOf(pointId);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize<PointState>(File.ReadAllBytes(path), Json);
            if (state is not null && state.PointId == pointId)
            {
                return state;
            }
        }
        catch (JsonException)
        {
        }

        quarantined = path + ".corrupt-" + TimeProvider.GetUtcNow().ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture);
        File.Move(path, quarantined, overwrite: true);
        return null;
    }

    public void Save(PointState state)
    {
        Platform.StateFiles.CreateDirectory(Directory);
        DurableFile.Write(PathOf(state.PointId), JsonSerializer.SerializeToUtf8Bytes(state, Json));
    }

    private string PathOf(string pointId) =>
        Regex.IsMatch(pointId, Identifiers.Pattern)
            ? Path.Combine(Directory, pointId + ".json")
            : throw new ArgumentException($"point id '{pointId}' {Identifiers.Message}", nameof(pointId));
}
