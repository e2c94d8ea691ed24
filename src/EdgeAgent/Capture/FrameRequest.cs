namespace EdgeAgent.Capture;

/// <summary>
/// What a procedure step asks one trigger to take from each camera; unset values fall back to the camera's
/// options (<c>PreTriggerPhotos</c>, <c>PhotoIntervalMs</c>).
/// </summary>
/// <param name="PreTrigger">Frames from the pre-trigger ring (the moments before the trigger); null: the camera's default.</param>
/// <param name="PostTrigger">Frames at and after the trigger, at least 1.</param>
/// <param name="Interval">Spacing of the post-trigger frames; null: the camera's photo interval.</param>
/// <param name="Settle">How long after the edge the <c>at</c> photo is due (the step's <c>settleMs</c>).</param>
public sealed record FrameRequest(int? PreTrigger, int PostTrigger, TimeSpan? Interval = null, TimeSpan Settle = default)
{
    /// <summary>The plan for one camera: the request with the camera's defaults filled in.</summary>
    public CapturePlan PlanFor(Configuration.CameraOptions camera) => new(
        PreTrigger ?? camera.PreTriggerPhotos,
        Math.Max(1, PostTrigger),
        Interval ?? TimeSpan.FromMilliseconds(camera.PhotoIntervalMs),
        TimeSpan.FromMilliseconds(camera.FreshFrameWaitMs))
    {
        Settle = Settle,
        OutageWait = TimeSpan.FromMilliseconds(camera.OutageWaitMs),
        Uncertainty = camera.ProducedUncertainty,
    };
}
