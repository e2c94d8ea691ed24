using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Configuration;

/// <summary>Limits for the per-frame quality flags; configurable per camera under <c>Cameras:N:Quality</c>.</summary>
public sealed class QualityThresholds
{
    /// <summary>Below this variance of the Laplacian (at analysis size, up to 640 px wide) a frame is <c>blurry</c>.</summary>
    [Range(0, 100000)]
    public double MinSharpness { get; set; } = 30;

    /// <summary>Mean grey level below which a frame is <c>dark</c>.</summary>
    [Range(0, 255)]
    public double DarkBelow { get; set; } = 40;

    /// <summary>Mean grey level above which a frame is <c>bright</c>.</summary>
    [Range(0, 255)]
    public double BrightAbove { get; set; } = 215;

    /// <summary>Share of pixels in one narrow grey band from which a frame is <c>blank</c> (or <c>covered</c> when also dark).</summary>
    [Range(0.5, 1.0)]
    public double UniformAbove { get; set; } = 0.98;

    /// <summary>Correlation with the commissioning reference below which the view is a <c>scene-mismatch</c>.</summary>
    [Range(-1.0, 1.0)]
    public double MinSceneMatch { get; set; } = 0.6;

    /// <summary>
    /// Seconds for which the picture (or the stream's own timestamps) must not advance before a frame is <c>frozen</c>.
    /// Judged by time, not by frame count, so a decoder repeating a frame is never called frozen.
    /// </summary>
    [Range(0.1, 3600)]
    public double FrozenAfterSeconds { get; set; } = 3;
}
