namespace EdgeAgent.Procedure;

/// <summary>What a step photographs.</summary>
public sealed record StepCapture
{
    /// <summary>Camera ids; empty means every camera of the point.</summary>
    public IReadOnlyList<string> Cameras { get; init; } = [];

    /// <summary>Photos per camera when the step is reached, 1 to 20.</summary>
    public int Photos { get; init; } = 1;

    /// <summary>Frames kept from before the trigger (pre-roll), per camera.</summary>
    public int PreFrames { get; init; }

    /// <summary>Frames kept after the trigger (post-roll), per camera.</summary>
    public int PostFrames { get; init; }
}
