namespace EdgeAgent.Central.Collector;

/// <summary>A device's stored records just before, at and just after one sequence (<see cref="IEvidenceIndex.Neighbours"/>).</summary>
public sealed record ChainNeighbours(IReadOnlyList<ChainLink> Previous, IReadOnlyList<ChainLink> Here, IReadOnlyList<ChainLink> Next);
