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

    /// <summary>Compressed ring (<c>PreTriggerSeconds</c>): how much of the encoded stream is kept, from the keyframe at or before its start.</summary>
    public TimeSpan CompressedWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Compressed ring: its cap in bytes of encoded stream (<c>PreTriggerMegabytes</c>, or <see cref="DefaultCompressedMegabytes"/> when that is 0).</summary>
    public long CompressedBytes { get; init; } = DefaultCompressedMegabytes * 1024L * 1024;

    /// <summary>16 MiB: 10 s of a 12 Mbit/s stream (a site camera sends about 4).</summary>
    public const int DefaultCompressedMegabytes = 16;

    /// <summary>Compressed camera: how often a keyframe is decoded for the health checks (<c>HealthSampleMs</c>).</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>Cameras[].LatencyMs</c>: the stream latency to assume when the camera's clock cannot be used; null when not configured.</summary>
    public TimeSpan? ConfiguredLatency { get; init; }

    /// <summary>A camera time up to this far after arrival is still trusted (clock-sync noise); further, the camera's clock is off.</summary>
    public TimeSpan CameraAheadTolerance { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// A camera time further before arrival than this is not trusted: the camera's clock is off (unsynchronised, a time zone).
    /// Generous, because a starved edge really does fall seconds behind: on 2 busy cores, 1.5 s median and 3 s peaks were measured.
    /// </summary>
    public TimeSpan MaxStreamLatency { get; init; } = TimeSpan.FromSeconds(10);

    public static CameraReaderSettings From(CameraOptions camera) => new()
    {
        ConfiguredLatency = camera.LatencyMs is { } latency ? TimeSpan.FromMilliseconds(latency) : null,
        HangTimeout = TimeSpan.FromMilliseconds(camera.HangTimeoutMs),
        PreTriggerBytes = (long)camera.PreTriggerMegabytes * 1024 * 1024,
        PreTriggerWindow = TimeSpan.FromMilliseconds(camera.PreTriggerMs),
        PreTriggerSpacing = TimeSpan.FromMilliseconds(camera.PreTriggerSpacingMs),
        CompressedWindow = TimeSpan.FromSeconds(camera.PreTriggerSeconds),
        CompressedBytes = (camera.PreTriggerMegabytes > 0 ? camera.PreTriggerMegabytes : DefaultCompressedMegabytes) * 1024L * 1024,
        SampleInterval = TimeSpan.FromMilliseconds(camera.HealthSampleMs),
    };
}
