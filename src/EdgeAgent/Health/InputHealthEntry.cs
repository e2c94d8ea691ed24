namespace EdgeAgent.Health;

/// <param name="Level">The electrical level, <c>high</c> or <c>low</c>.</param>
/// <param name="Chatter">Chatter state when the input service reports one, else null.</param>
public sealed record InputHealthEntry(string Id, string Point, bool Locked, string Level, string? Chatter);
