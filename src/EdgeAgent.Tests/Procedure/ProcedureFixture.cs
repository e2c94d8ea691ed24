namespace EdgeAgent.Tests.Procedure;

/// <summary>The shipped templates and a terse way to make triggers at a fake time.</summary>
internal sealed class ProcedureFixture
{
    public static readonly IReadOnlyDictionary<string, ProcedureTemplate> Templates =
        ProcedureTemplate.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "procedures"));

    public DateTimeOffset Now { get; set; } = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    public TriggerEvent Lock(string input) => At(TriggerKind.LockOn, "gpio", input);

    public TriggerEvent Unlock(string input) => At(TriggerKind.LockOff, "gpio", input);

    public TriggerEvent Confirm(string? step, string? op = "BADGE-0042") => At(TriggerKind.Manual, "control-socket", "button") with { StepId = step, Operator = op };

    public TriggerEvent Scan(string code) => At(TriggerKind.Scan, "scanner", "qr-1") with { Code = code };

    public TriggerEvent Command(string? workOrderId = null, string? step = null, string? abort = null) =>
        At(TriggerKind.Command, "mqtt", "central") with { WorkOrderId = workOrderId, StepId = step, AbortReason = abort };

    public TriggerEvent Timer(string step) => At(TriggerKind.Timer, "procedure-timer", step);

    /// <summary>Advances the fake time by <paramref name="seconds"/> and makes a trigger then.</summary>
    private TriggerEvent At(TriggerKind kind, string source, string input, int seconds = 10)
    {
        Now = Now.AddSeconds(seconds);
        return new TriggerEvent("conveyor-1", kind, source, input, Now, Now.UtcTicks);
    }

    public static IReadOnlyList<string> Codes(StepDecision decision) => [.. decision.Findings.Select(f => f.Code)];
}
