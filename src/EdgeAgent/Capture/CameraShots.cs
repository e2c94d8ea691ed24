namespace EdgeAgent.Capture;

/// <summary>What one camera gave one trigger, encoded, for the evidence stage.</summary>
/// <param name="CameraId">The camera.</param>
/// <param name="Shots">The photos with their JPEGs, pre first; empty when the camera was unavailable.</param>
/// <param name="Result">The capture plan's own account (frames before the edge, a missing <c>at</c> photo, a short post-roll); null when the camera was unavailable.</param>
/// <param name="Unavailable">Why the camera gave nothing (<see cref="CameraUnavailableException"/>), or null.</param>
/// <param name="PreTriggerShort">Fewer pre-trigger frames than wanted, when that is a finding; else null.</param>
public sealed record CameraShots(string CameraId, IReadOnlyList<EncodedShot> Shots, CaptureResult? Result, string? Unavailable, PreTriggerShortfall? PreTriggerShort);
