namespace EdgeAgent.Protocol;

/// <summary>Exponential backoff with ±20 % jitter for reconnects: 1 s, 2 s, 4 s … capped at 60 s.</summary>
public static class ReconnectBackoff
{
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    /// <param name="failures">Consecutive failures so far, from 1.</param>
    public static TimeSpan Next(int failures, Random random)
    {
        var seconds = Math.Min(Cap.TotalSeconds, Math.Pow(2, Math.Clamp(failures, 1, 10) - 1));
        return TimeSpan.FromSeconds(seconds * (0.8 + (random.NextDouble() * 0.4)));
    }
}
