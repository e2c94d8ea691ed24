using System.Globalization;
using System.Text.Json;

namespace EdgeAgent.Reporting;

/// <summary>
/// Reads the clock stamp that devices add to records (<c>"clock": {"synchronized", "jumpMs", …}</c>) straight
/// from the record's JSON, so the report flags an untrusted clock whichever record version wrote it.
/// </summary>
public static class RecordClock
{
    /// <summary>Why this record's times cannot be taken at face value, or null when nothing says so.</summary>
    public static string? Problem(ReadOnlySpan<byte> recordJson)
    {
        try
        {
            using var document = JsonDocument.Parse(recordJson.ToArray());
            if (!document.RootElement.TryGetProperty("clock", out var clock) || clock.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (clock.TryGetProperty("jumpMs", out var jump) && jump.ValueKind == JsonValueKind.Number)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the device clock jumped {jump.GetInt64()} ms against its monotonic clock");
            }

            return clock.TryGetProperty("synchronized", out var synced) && synced.ValueKind == JsonValueKind.False
                ? "the device reported its clock as not synchronised (NTP)"
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
