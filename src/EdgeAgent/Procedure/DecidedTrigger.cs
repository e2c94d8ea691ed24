using EdgeAgent.Triggers;

namespace EdgeAgent.Procedure;

/// <summary>
/// What the procedure stage hands on: a trigger and the step it stamps (<see cref="StepDecision"/>: job, step,
/// findings, capture settings). <see cref="Done"/> is completed by the stage that finishes the trigger (the evidence
/// stage with its records, or any stage with its failure); the procedure stage awaits it before the next trigger.
/// </summary>
public sealed record DecidedTrigger(TriggerEvent Trigger, StepDecision Decision)
{
    public TaskCompletionSource<TriggerOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
