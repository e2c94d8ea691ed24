namespace EdgeAgent.Tests.Triggers;

public sealed class GroupLockoutTests
{
    [Fact]
    public void First_lock_on_and_last_lock_off_are_distinct_from_the_individual_locks()
    {
        using var harness = new LockInputHarness(
            LockInputHarness.Input("lock-a", 17, debounceMs: 0),
            LockInputHarness.Input("lock-b", 18, debounceMs: 0),
            LockInputHarness.Input("lock-c", 19, debounceMs: 0));
        harness.Start();

        harness.Set("lock-a", true);
        harness.Set("lock-b", true);
        harness.Set("lock-a", false);
        harness.Set("lock-c", true);
        harness.Set("lock-c", false);
        harness.Set("lock-b", false);

        var events = harness.Drain();
        Assert.Equal(
            [
                ("lock-a", TriggerKind.LockOn, LockGroupTransition.FirstLockOn, "lock-a"),
                ("lock-b", TriggerKind.LockOn, LockGroupTransition.None, "lock-a,lock-b"),
                ("lock-a", TriggerKind.LockOff, LockGroupTransition.None, "lock-b"),
                ("lock-c", TriggerKind.LockOn, LockGroupTransition.None, "lock-b,lock-c"),
                ("lock-c", TriggerKind.LockOff, LockGroupTransition.None, "lock-b"),
                ("lock-b", TriggerKind.LockOff, LockGroupTransition.LastLockOff, ""),
            ],
            events.Select(e => (e.Input, e.Kind, e.Group, string.Join(",", e.LocksHeld!))));
        Assert.Empty(harness.Service.LocksHeld("conveyor-1"));
    }

    [Fact]
    public void Locks_of_different_points_do_not_hold_each_other()
    {
        using var harness = new LockInputHarness(
            LockInputHarness.Input("lock-a", 17, debounceMs: 0),
            LockInputHarness.Input("lock-x", 20, point: "conveyor-2", debounceMs: 0));
        harness.Start();

        harness.Set("lock-a", true);
        harness.Set("lock-x", true);
        harness.Set("lock-a", false);

        var events = harness.Drain();
        Assert.Equal([LockGroupTransition.FirstLockOn, LockGroupTransition.FirstLockOn, LockGroupTransition.LastLockOff], events.Select(e => e.Group));
        Assert.Equal(["lock-x"], harness.Service.LocksHeld("conveyor-2"));
    }

    [Fact]
    public void A_lock_already_on_at_start_up_keeps_the_point_locked()
    {
        using var harness = new LockInputHarness(
            LockInputHarness.Input("lock-a", 17, debounceMs: 0),
            LockInputHarness.Input("lock-b", 18, debounceMs: 0));
        harness.Set("lock-a", true);
        harness.Start();

        harness.Set("lock-b", true);
        harness.Set("lock-b", false);

        var events = harness.Drain();
        Assert.All(events, e => Assert.Equal(LockGroupTransition.None, e.Group));
        Assert.Equal(["lock-a"], events[^1].LocksHeld);
    }
}
