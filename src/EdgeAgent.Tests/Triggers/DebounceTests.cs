namespace EdgeAgent.Tests.Triggers;

public sealed class DebounceTests
{
    [Fact]
    public void Bouncing_contact_gives_exactly_one_event_per_real_change()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17));
        harness.Start();
        var firstEdge = harness.Time.GetUtcNow();

        foreach (var level in new[] { true, false, true, false, true })
        {
            harness.Set("lock-a", level);
            harness.Advance(5);
        }

        Assert.Empty(harness.Drain());
        harness.Advance(50);
        var on = Assert.Single(harness.Drain());
        Assert.Equal(TriggerKind.LockOn, on.Kind);
        Assert.Equal("gpio", on.Source);
        Assert.Equal(firstEdge, on.EdgeTime); // stamped with the first edge, not the end of the bounce

        foreach (var level in new[] { false, true, false, true, false })
        {
            harness.Set("lock-a", level);
            harness.Advance(3);
        }

        harness.Advance(50);
        var off = Assert.Single(harness.Drain());
        Assert.Equal(TriggerKind.LockOff, off.Kind);
        harness.Advance(10_000);
        Assert.Empty(harness.Drain());
    }

    [Fact]
    public void Bounce_that_returns_to_the_old_level_gives_no_event()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17));
        harness.Start();

        harness.Set("lock-a", true);
        harness.Advance(10);
        harness.Set("lock-a", false);
        harness.Advance(100);

        Assert.Empty(harness.Drain());
        Assert.False(harness.Service.Locked["lock-a"]);
    }

    [Fact]
    public void Debounce_waits_for_the_line_to_be_stable_for_the_whole_period()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17, debounceMs: 50));
        harness.Start();

        harness.Set("lock-a", true);
        harness.Advance(49);
        Assert.Empty(harness.Drain());
        harness.Set("lock-a", false);
        harness.Set("lock-a", true); // a bounce restarts the period
        harness.Advance(49);
        Assert.Empty(harness.Drain());
        harness.Advance(1);
        Assert.Equal(TriggerKind.LockOn, Assert.Single(harness.Drain()).Kind);
    }

    [Fact]
    public void Zero_debounce_reports_every_change_at_once()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17, debounceMs: 0));
        harness.Start();

        harness.Set("lock-a", true);
        harness.Set("lock-a", false);

        Assert.Equal([TriggerKind.LockOn, TriggerKind.LockOff], harness.Drain().Select(e => e.Kind));
    }
}
