using EdgeAgent.Protocol;

namespace EdgeAgent.Capture;

/// <summary>A photo a capture plan chose, with its place against the edge.</summary>
public sealed record Shot(Frame Frame, FrameRole Role);

/// <summary>What one camera gave one trigger.</summary>
/// <param name="Shots">Pre photos oldest first, then the <c>at</c> photo and the <c>post</c> photos.</param>
/// <param name="PreBeforeEdge">Ring frames produced before the edge, before excluding those from before the previous trigger or already evidence.</param>
/// <param name="AtMissing">Why there is no <c>at</c> photo (no frame produced after the edge in time), or null.</param>
public sealed record CaptureResult(IReadOnlyList<Shot> Shots, int PreBeforeEdge, string? AtMissing)
{
    /// <summary>Why there are fewer <c>post</c> photos than the plan asks for (the camera gave no new frame in time), or null.</summary>
    public string? PostShort { get; init; }

    public int Pre => Shots.Count(s => s.Role == FrameRole.Pre);

    public int AtAndPost => Shots.Count - Pre;
}
