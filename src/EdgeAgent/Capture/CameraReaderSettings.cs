using EdgeAgent.Configuration;

namespace EdgeAgent.Capture;

/// <summary>How a <see cref="CameraReader"/> supervises its source and what it keeps in memory.</summary>
public sealed record CameraReaderSettings
{
    /// <summary>A source that yields no frame for this long is cancelled (an ffmpeg child is killed) and restarted.</summary>
    public TimeSpan HangTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait before reopening a lost source; doubles per failure in a row up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Failures in a row after which the state turns from reconnecting to failing.</summary>
    public int FailingAfter { get; init; } = 5;

    /// <summary>Memory the pre-trigger ring may hold, in bytes of raw pixels; 0 keeps no ring.</summary>
    public long PreTriggerBytes { get; init; }

    /// <summary>How far back the pre-trigger ring reaches.</summary>
    public TimeSpan PreTriggerWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Minimum spacing of frames kept in the ring, so 2 s of 1080p does not need every frame.</summary>
    public TimeSpan PreTriggerSpacing { get; init; } = TimeSpan.FromMilliseconds(250);

    public static CameraReaderSettings From(CameraOptions camera) => new()
    {
        HangTimeout = TimeSpan.FromMilliseconds(camera.HangTimeoutMs),
        PreTriggerBytes = (long)camera.PreTriggerMegabytes * 1024 * 1024,
        PreTriggerWindow = TimeSpan.FromMilliseconds(camera.PreTriggerMs),
        PreTriggerSpacing = TimeSpan.FromMilliseconds(camera.PreTriggerSpacingMs),
    };
}
