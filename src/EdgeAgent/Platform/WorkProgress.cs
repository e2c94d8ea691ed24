namespace EdgeAgent.Platform;

/// <summary>How far a long piece of work over records has come (for a progress line on a terminal).</summary>
/// <param name="Phase">What is being done, e.g. <c>verify</c> or <c>photos</c>.</param>
public readonly record struct WorkProgress(string Phase, int Done, int Total);
