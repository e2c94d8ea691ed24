using EdgeAgent.Triggers;

namespace EdgeAgent.Procedure;

/// <summary>
/// What the procedure stage hands on: a trigger and the step it stamps (<see cref="StepDecision"/>: job, step,
/// findings, capture settings). <see cref="Done"/> is completed by the stage that finishes the trigger (the evidence
/// stage with its records, or any stage with its failure); the procedure stage awaits it before the next trigger.
/// </summary>
public sealed record DecidedTrigger(TriggerEvent Trigger, StepDecision Decision)
{
    private IReadOnlyList<Finding> unrecorded = [];

    public TaskCompletionSource<TriggerOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Findings of the trigger that no record carried, handed back with the outcome (<see cref="HandBack"/>) rather
    /// than by a call into the procedure: the procedure stage keeps them for the point's next record once
    /// <see cref="Done"/> completes.
    /// </summary>
    public IReadOnlyList<Finding> Unrecorded => Volatile.Read(ref unrecorded);

    /// <summary>Called by the stage that finishes the trigger, before it completes <see cref="Done"/>.</summary>
    public void HandBack(IReadOnlyList<Finding> findings) => Volatile.Write(ref unrecorded, findings);
}
