using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Configuration;

public sealed class CameraOptions
{
    [Required, RegularExpression(Identifiers.Pattern, ErrorMessage = Identifiers.AnnotationMessage)]
    public string Id { get; set; } = "";

    /// <summary><c>synthetic</c> (a drawn scene with a running clock), <c>ffmpeg</c> (a Debian ffmpeg child decoding <see cref="Url"/>)
    /// or <c>v4l2</c> (a USB camera, <see cref="Url"/> = <c>/dev/video0</c> or <c>/dev/v4l/by-id/...</c>).</summary>
    [Required, AllowedValues("synthetic", "ffmpeg", "v4l2", ErrorMessage = "{0} must be \"synthetic\", \"ffmpeg\" or \"v4l2\"")]
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

    /// <summary>
    /// Longest a capture waits, past the moment a photo is due, for a frame surely produced after it; after that the
    /// photo is missing (a finding), never replaced by an older frame.
    /// </summary>
    [Range(0, 10000)]
    public int FreshFrameWaitMs { get; set; } = 1000;

    /// <summary>
    /// Longest a trigger waits for the first frame produced after its edge when the camera has no frame at the
    /// trigger (still starting, reconnecting). If none comes the trigger fails and a late photo is taken when the camera returns.
    /// </summary>
    [Range(0, 120000)]
    public int OutageWaitMs { get; set; } = 8000;

    /// <summary>How long after a missing step photo the camera's return still gives a late photo (marked <c>late</c>).</summary>
    [Range(0, 86400)]
    public int LatePhotoWindowSeconds { get; set; } = 1800;

    /// <summary>How far a frame's production estimate may be off, per basis; the <c>at</c> photo must be surely after the edge.</summary>
    [ValidateObjectMembers]
    public ProducedUncertainty ProducedUncertainty { get; set; } = new();

    /// <summary>RTSP transport for <c>ffmpeg</c> cameras: <c>tcp</c> (survives lossy links) or <c>udp</c> (lower latency on clean LANs).</summary>
    [AllowedValues("tcp", "udp", ErrorMessage = "{0} must be \"tcp\" or \"udp\"")]
    public string Transport { get; set; } = "tcp";

    /// <summary>
    /// What decodes an <c>ffmpeg</c>-kind network stream: <c>gstreamer</c> (rtsp:// only: GStreamer's rtspsrc, which reads the
    /// camera's RTCP sender reports, so each frame carries the camera's capture time), <c>ffmpeg</c> (no camera time), or
    /// <c>auto</c> (GStreamer for rtsp:// when python3-gi and GStreamer are installed, else ffmpeg), or <c>managed</c>
    /// (rtsp:// H.264/H.265 over TCP into the compressed ring, read in process by <c>Capture/Rtsp/</c>: no child process,
    /// camera time from the RTCP sender reports). With <c>Ring</c> <c>auto</c> and <c>Transport</c> <c>tcp</c>, <c>auto</c>
    /// uses the managed client too, and hands a camera that sends MJPEG to GStreamer.
    /// </summary>
    [AllowedValues("auto", "gstreamer", "ffmpeg", "managed", ErrorMessage = "{0} must be \"auto\", \"gstreamer\", \"ffmpeg\" or \"managed\"")]
    public string Backend { get; set; } = "auto";

    /// <summary>
    /// The camera's stream latency (capture to arrival) in ms, used when the camera's own clock gives no capture time and
    /// none was measured yet: <c>producedAt</c> = arrival − this (basis <c>configured-latency</c>). Null: not configured.
    /// </summary>
    [Range(0, 10000)]
    public int? LatencyMs { get; set; }

    /// <summary>Optional ffmpeg <c>-hwaccel</c> for decoding, e.g. <c>vaapi</c>, <c>drm</c>, <c>cuda</c>; empty decodes in software.</summary>
    [RegularExpression("^[a-z0-9_]{0,32}$", ErrorMessage = "{0} must be an ffmpeg -hwaccel name such as \"vaapi\" or \"drm\"")]
    public string? HardwareAcceleration { get; set; }

    /// <summary>A camera with no frame for this long has its source killed and restarted.</summary>
    [Range(500, 600000)]
    public int HangTimeoutMs { get; set; } = 10000;

    /// <summary>How far back pre-trigger photos can reach (the ring buffer window).</summary>
    [Range(0, 60000)]
    public int PreTriggerMs { get; set; } = 2000;

    /// <summary>Minimum spacing between frames kept in the pre-trigger ring.</summary>
    [Range(1, 10000)]
    public int PreTriggerSpacingMs { get; set; } = 250;

    /// <summary>
    /// Memory cap of the pre-trigger ring. Raw ring: MiB of raw pixels (1080p BGR is 5.9 MiB a frame); 0 keeps no ring.
    /// Compressed ring (<see cref="Ring"/>): MiB of encoded stream; 0 means 16 MiB (10 s of a 12 Mbit/s stream).
    /// </summary>
    [Range(0, 1024)]
    public int PreTriggerMegabytes { get; set; }

    /// <summary>
    /// How the camera is kept between triggers: <c>auto</c> keeps the encoded stream (rtsp:// through GStreamer) in a
    /// compressed ring and decodes only the frames a photo, a health sample or a scan needs; <c>raw</c> decodes every frame
    /// (the only way for sources with no compressed form: V4L2 YUYV, synthetic, files, the ffmpeg backend).
    /// </summary>
    [AllowedValues("auto", "raw", ErrorMessage = "must be \"auto\" or \"raw\"")]
    public string Ring { get; set; } = "auto";

    /// <summary>Compressed ring: seconds of encoded stream kept (from the keyframe at or before that), for pre-trigger photos and clips.</summary>
    [Range(1, 120)]
    public int PreTriggerSeconds { get; set; } = 10;

    /// <summary>Compressed ring: how often one keyframe is decoded for the health checks (sharpness, exposure, covered, scene, frozen).</summary>
    [Range(500, 600000)]
    public int HealthSampleMs { get; set; } = 5000;

    /// <summary>Frames from the pre-trigger ring added to each trigger's photos (needs <see cref="PreTriggerMegabytes"/>).</summary>
    [Range(0, 20)]
    public int PreTriggerPhotos { get; set; }

    /// <summary>Spacing of the post-trigger photos when a step asks for more than one.</summary>
    [Range(0, 60000)]
    public int PhotoIntervalMs { get; set; } = 500;

    /// <summary>Limits for the per-frame quality flags.</summary>
    [ValidateObjectMembers]
    public QualityThresholds Quality { get; set; } = new();

    /// <summary>The burned-in stamp on the overlay copy of each photo (the original is always kept untouched).</summary>
    [ValidateObjectMembers]
    public OverlayOptions Overlay { get; set; } = new();

    /// <summary>Step ids at which this camera's photos are checked for a person in view (OpenCV HOG), e.g. <c>["restored"]</c>.</summary>
    public List<string> PersonCheckSteps { get; set; } = [];
}
