using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Configuration;

public sealed class CameraOptions
{
    [Required, RegularExpression(Identifiers.Pattern, ErrorMessage = Identifiers.Message)]
    public string Id { get; set; } = "";

    /// <summary><c>synthetic</c> (a drawn scene with a running clock) or <c>ffmpeg</c> (a Debian ffmpeg child decoding <see cref="Url"/>).</summary>
    [Required, AllowedValues("synthetic", "ffmpeg", ErrorMessage = "must be \"synthetic\" or \"ffmpeg\"")]
    public string Kind { get; set; } = "synthetic";

    /// <summary>Stream URL or file path for <c>ffmpeg</c> cameras (rtsp://, http://, a file).</summary>
    public string? Url { get; set; }

    [Range(16, 7680)]
    public int Width { get; set; } = 1280;

    [Range(16, 4320)]
    public int Height { get; set; } = 720;

    [Range(1, 120)]
    public int Fps { get; set; } = 10;

    [Range(10, 100)]
    public int JpegQuality { get; set; } = 85;

    /// <summary>Longest a capture waits for a frame newer than the trigger before taking the newest it has.</summary>
    [Range(0, 10000)]
    public int FreshFrameWaitMs { get; set; } = 1000;
}
