namespace EdgeAgent.Tests.Triggers;

/// <summary>The procedure follows the lock input service's group state, including locks already on at start-up.</summary>
public sealed class ProcedureLockGroupTests
{
    private static PointProcedure NewProcedure() =>
        new("conveyor-1", ProcedureTemplate.Load(Path.Combine(AppContext.BaseDirectory, "procedures", "conveyor-lockout.json")));

    private static TriggerEvent Manual(LockInputHarness harness, string step) =>
        new("conveyor-1", TriggerKind.Manual, "test", "tech", harness.Time.GetUtcNow(), harness.Time.GetTimestamp()) { StepId = step };

    [Fact]
    public void Removing_one_of_two_locks_held_since_start_up_is_not_the_last_lock_off()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17, debounceMs: 0), LockInputHarness.Input("lock-b", 18, debounceMs: 0));
        harness.Start();
        harness.Set("lock-a", true);
        harness.Set("lock-b", true);
        harness.Restart(); // both locks still on: state only, no events; the procedure starts from scratch too
        Assert.Empty(harness.Drain());
        var procedure = NewProcedure();
        procedure.Handle(Manual(harness, "area-cleared"));

        harness.Set("lock-a", false);
        var first = procedure.Handle(Assert.Single(harness.Drain()));
        Assert.False(first.Advanced);
        Assert.DoesNotContain(first.Findings, f => f.Message.Contains("without a recorded lock", StringComparison.Ordinal));
        Assert.Equal(["lock-b"], procedure.LocksOn);

        harness.Set("lock-b", false);
        var last = procedure.Handle(Assert.Single(harness.Drain()));
        Assert.True(last.Advanced);
        Assert.Equal("lock-removed", last.Step.Id);
    }

    [Fact]
    public void Start_up_change_is_a_finding_on_the_record()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17, debounceMs: 0));
        harness.Start();
        harness.Set("lock-a", true);
        harness.Drain();

        harness.Restart(whileDown: () => harness.Set("lock-a", false));

        var decision = NewProcedure().Handle(Assert.Single(harness.Drain()));
        Assert.Contains(decision.Findings, f => f.Message.Contains("found unlocked at start-up; was locked at shutdown", StringComparison.Ordinal));
    }
}
