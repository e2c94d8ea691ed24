namespace EdgeAgent.Health;

/// <summary>A camera as health sees it: reader state, measured frame rate, newest frame's age and its focus score.</summary>
public sealed record CameraHealth(string Id, string State, double? Fps, double? LastFrameAgeSeconds, double? Sharpness, string? LastError)
{
    /// <summary>The newest frame is identical to the previous one sampled: a stuck encoder or a still image.</summary>
    public bool Frozen { get; init; }
}

/// <param name="Level">The electrical level, <c>high</c> or <c>low</c>.</param>
/// <param name="Chatter">Chatter state when the input service reports one, else null.</param>
public sealed record InputHealth(string Id, string Point, bool Locked, string Level, string? Chatter);

public sealed record BrokerHealth(string Url, bool Connected, DateTimeOffset? LastAcknowledgedAt);

public sealed record OutboxHealth(long Depth, long Bytes, DateTimeOffset? Oldest, double? OldestAgeSeconds);

public sealed record DiskHealth(string Path, long FreeBytes, long TotalBytes, double FreePercent);
