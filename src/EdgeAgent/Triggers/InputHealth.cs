namespace EdgeAgent.Triggers;

/// <summary>What health and the control socket show for one lock input.</summary>
/// <param name="InputId">The input id.</param>
/// <param name="PointId">The point it belongs to.</param>
/// <param name="Chip">The resolved GPIO chip number.</param>
/// <param name="Line">The line offset on that chip.</param>
/// <param name="Level">The electrical level read now (true = high), or null when the line could not be read.</param>
/// <param name="Locked">The last reported (debounced) lock state.</param>
/// <param name="EdgesInWindow">Edges counted in the current chatter window.</param>
/// <param name="TotalEdges">Edges seen since start.</param>
/// <param name="Quarantined">True while the line chatters: it is reported faulty and fires no captures.</param>
/// <param name="QuarantinedSince">When the current quarantine began.</param>
public sealed record InputHealth(
    string InputId,
    string PointId,
    int Chip,
    int Line,
    bool? Level,
    bool Locked,
    int EdgesInWindow,
    long TotalEdges,
    bool Quarantined,
    DateTimeOffset? QuarantinedSince)
{
    /// <summary>Why the input is not being watched (it could not be opened), or null when it is.</summary>
    public string? Fault { get; init; }
}
