namespace EdgeAgent.Capture;

/// <summary>What the ffmpeg child decodes and how: stream or file, output size, transport and hardware decoding.</summary>
public sealed record FfmpegSourceSettings(string Url, int Width, int Height)
{
    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary><c>tcp</c> (default, survives lossy links) or <c>udp</c>.</summary>
    public string RtspTransport { get; init; } = "tcp";

    /// <summary>Optional <c>-hwaccel</c> value such as <c>vaapi</c> or <c>drm</c>.</summary>
    public string? HardwareAcceleration { get; init; }
}
