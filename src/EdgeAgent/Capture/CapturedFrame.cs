using EdgeAgent.Protocol;

namespace EdgeAgent.Capture;

/// <summary>A frame selected for evidence together with its quality signals and its place against the edge.</summary>
public sealed record CapturedFrame(Frame Frame, FrameQuality Quality, FrameRole Role = FrameRole.At);

/// <summary>One camera's photos for one trigger, assessed, with what the plan could not find.</summary>
/// <param name="Shots">The photos, pre first.</param>
/// <param name="Result">The plan's own account: frames before the edge, a missing <c>at</c> photo.</param>
public sealed record CameraCapture(IReadOnlyList<CapturedFrame> Shots, CaptureResult Result);
