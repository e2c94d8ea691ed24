namespace EdgeAgent.Procedure;

/// <summary>What a trigger means for a point's job: the work order and step to stamp, and any findings.</summary>
public sealed record StepDecision(string WorkOrderId, string ProcedureId, ProcedureStep Step, int StepIndex, IReadOnlyList<string> Findings)
{
    /// <summary>True when the trigger moved the job into <see cref="Step"/> (false: stamped with the step it was already in).</summary>
    public bool Advanced { get; init; }

    /// <summary>True when this step ended the job.</summary>
    public bool Completed { get; init; }
}
