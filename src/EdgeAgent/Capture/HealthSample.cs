namespace EdgeAgent.Capture;

/// <summary>
/// A compressed camera's newest health sample: the keyframe it was decoded from (encoded only, with its timing and
/// unchanged run) and its picture as small grey, which is all the quality checks need.
/// </summary>
/// <param name="Keyframe">The keyframe's frame as the reader held it; <see cref="Frame.UnchangedFor"/> spans the samples.</param>
/// <param name="Grey">The decoded keyframe, grey, at the analysis size.</param>
public sealed record HealthSample(Frame Keyframe, GreyPicture Grey);
