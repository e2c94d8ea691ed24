namespace EdgeAgent.Protocol;

/// <summary>
/// Quality signals of one captured frame, as the evidence record and health report them.
/// <see cref="Good"/> is false for frozen, blank and covered frames: they are never good evidence.
/// </summary>
/// <param name="Sharpness">Variance of the Laplacian of the grey image at analysis size (higher is sharper).</param>
/// <param name="Brightness">Mean grey level, 0-255.</param>
/// <param name="Contrast">Standard deviation of the grey level.</param>
/// <param name="UniformFraction">Share of pixels within one narrow grey band: near 1 for a blank, grey "signal lost" or capped picture.</param>
/// <param name="UnchangedFrames">Frames in a row before this one with identical pixels (0 for a live picture).</param>
/// <param name="SceneMatch">Correlation with the reference frame stored at commissioning (1 = same view), or null without one.</param>
/// <param name="Flags">Problems found: <c>frozen</c>, <c>blank</c>, <c>covered</c>, <c>dark</c>, <c>bright</c>, <c>blurry</c>, <c>scene-mismatch</c>, <c>person-in-view</c>.</param>
public sealed record FrameQuality(
    double Sharpness,
    double Brightness,
    double Contrast,
    double UniformFraction,
    int UnchangedFrames,
    double? SceneMatch,
    IReadOnlyList<string> Flags)
{
    public const string Frozen = "frozen";
    public const string Blank = "blank";
    public const string Covered = "covered";
    public const string Dark = "dark";
    public const string Bright = "bright";
    public const string Blurry = "blurry";
    public const string SceneMismatch = "scene-mismatch";
    public const string PersonInView = "person-in-view";

    /// <summary>How long, in ms, the picture had not advanced when this frame arrived; null when it just changed.</summary>
    public double? UnchangedMs { get; init; }

    /// <summary>People the HOG detector found, at steps that ask for the check; null where it did not run.</summary>
    public int? People { get; init; }

    /// <summary>False when the frame cannot show the moment at all (frozen, blank, covered).</summary>
    public bool Good => !Flags.Any(f => f is Frozen or Blank or Covered);

    /// <summary>Findings for the evidence record, one per flag, naming the camera.</summary>
    public IEnumerable<string> Findings(string cameraId) => Flags.Select(flag => flag switch
    {
        Frozen => $"camera {cameraId}: frame frozen (picture unchanged for {UnchangedMs / 1000:0.#} s, {UnchangedFrames} frames); not valid evidence",
        Blank => $"camera {cameraId}: frame blank or signal lost; not valid evidence",
        Covered => $"camera {cameraId}: lens covered (dark and featureless); not valid evidence",
        PersonInView => $"camera {cameraId}: {People} person(s) in view",
        SceneMismatch => $"camera {cameraId}: view does not match the commissioning reference (score {SceneMatch:0.00}); camera moved or obstructed?",
        _ => $"camera {cameraId}: frame {flag}",
    });
}
