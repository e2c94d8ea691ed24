namespace EdgeAgent.Capture;

/// <summary>Why a camera gave fewer pre-trigger frames than wanted, when the evidence should say so.</summary>
/// <param name="Wanted">Frames from before the edge the plan asked for.</param>
/// <param name="RingTooSmall">True: the ring cannot hold that many frames (a configuration fault); false: too few new frames were produced.</param>
public sealed record PreTriggerShortfall(int Wanted, bool RingTooSmall);
