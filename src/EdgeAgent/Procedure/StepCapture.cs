namespace EdgeAgent.Procedure;

/// <summary>What a step photographs.</summary>
public sealed record StepCapture
{
    /// <summary>Camera ids; empty means every camera of the point.</summary>
    public IReadOnlyList<string> Cameras { get; init; } = [];

    /// <summary>Photos per camera when the step is reached, 1 to 20.</summary>
    public int Photos { get; init; } = 1;

    /// <summary>Frames kept from before the trigger (pre-roll, from the camera's pre-trigger ring), per camera; null: the camera's <c>PreTriggerPhotos</c>.</summary>
    public int? PreFrames { get; init; }

    /// <summary>Frames taken at and after the trigger (post-roll), per camera; the step takes the larger of this and <see cref="Photos"/>.</summary>
    public int? PostFrames { get; init; }

    /// <summary>Milliseconds between post-trigger frames; null: the camera's <c>PhotoIntervalMs</c>.</summary>
    public int? IntervalMs { get; init; }

    /// <summary>
    /// Milliseconds after the edge before the <c>at</c> photo is due: it is the first frame produced at or after
    /// edge + settle (e.g. 1000: the hand is out of the picture once the lock has closed). Default 0.
    /// </summary>
    public int SettleMs { get; init; }

    /// <summary>A video clip around the edge, per camera, after the step's photos; null: no clip.</summary>
    public StepClip? Clip { get; init; }

    /// <summary>Frames at and after the trigger: <see cref="Photos"/>, or more when <see cref="PostFrames"/> asks for more.</summary>
    public int PostTrigger => Math.Max(Photos, PostFrames ?? 0);
}
