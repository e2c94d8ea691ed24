namespace EdgeAgent.Health;

/// <summary>The pipeline's liveness: healthy, or the reasons it is not.</summary>
public sealed record PipelineVerdict(bool Healthy, IReadOnlyList<string> Problems);
