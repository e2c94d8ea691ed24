using EdgeAgent.Capture.Quality;

namespace EdgeAgent.Capture;

/// <summary>A frame selected for evidence together with its quality signals.</summary>
public sealed record CapturedFrame(Frame Frame, FrameQuality Quality);
