using System.Globalization;
using System.Text.Json;
using EdgeAgent.Platform;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Triggers;

/// <summary>
/// The last known lock state of every input, kept in <c>lock-state.json</c> in the state directory with a
/// durable write on every change, so a change made while the agent was down is found at start-up.
/// </summary>
internal sealed partial class LockStateStore(string stateDirectory, TimeProvider timeProvider, ILogger logger)
{
    public const string FileName = "lock-state.json";

    public string Path { get; } = System.IO.Path.Combine(stateDirectory, FileName);

    /// <summary>The persisted states, or null when there are none (first start, or an unreadable file, which is set aside).</summary>
    public Dictionary<string, bool>? Load()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize<PersistedLockState>(File.ReadAllBytes(Path));
            if (state?.Inputs is null)
            {
                throw new JsonException("no \"Inputs\" object");
            }

            return new Dictionary<string, bool>(state.Inputs, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is JsonException or IOException or NotSupportedException)
        {
            var aside = Path + ".corrupt-" + timeProvider.GetUtcNow().ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture);
            TryMove(aside);
            Log.Unreadable(logger, Path, aside, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Writes the states as of <paramref name="takenAt"/>. The caller reads the clock when it takes the snapshot, so
    /// the writer thread never touches the <see cref="TimeProvider"/> (a test clock runs due timers on whichever
    /// thread reads it).
    /// </summary>
    public void Save(IReadOnlyDictionary<string, bool> inputs, DateTimeOffset takenAt)
    {
        try
        {
            StateFiles.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var state = new PersistedLockState { SavedAt = takenAt, Inputs = new Dictionary<string, bool>(inputs, StringComparer.Ordinal) };
            DurableFile.Write(Path, JsonSerializer.SerializeToUtf8Bytes(state));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SaveFailed(logger, Path, ex.Message); // the agent keeps running; the next change tries again
        }
    }

    private void TryMove(string aside)
    {
        try
        {
            File.Move(Path, aside, overwrite: true);
        }
        catch (IOException)
        {
        }
    }

    internal sealed class PersistedLockState
    {
        /// <summary>When the snapshot was taken (the state change), not when the write landed.</summary>
        public DateTimeOffset SavedAt { get; set; }

        public Dictionary<string, bool>? Inputs { get; set; }
    }
}
