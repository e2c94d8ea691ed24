namespace EdgeAgent.Tests.Triggers;

public sealed class ChatterQuarantineTests
{
    private static LockInputHarness Chattery()
    {
        var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17, debounceMs: 20));
        harness.Options.Gpio.ChatterMaxEdges = 6;
        harness.Options.Gpio.ChatterWindowMs = 1000;
        harness.Options.Gpio.ChatterQuietMs = 3000;
        return harness;
    }

    private static void Chatter(LockInputHarness harness, int edges, int everyMs, bool startLocked = true)
    {
        var locked = startLocked;
        for (var i = 0; i < edges; i++)
        {
            harness.Set("lock-a", locked);
            locked = !locked;
            harness.Advance(everyMs);
        }
    }

    [Fact]
    public void Chattering_line_is_quarantined_and_fires_no_captures()
    {
        using var harness = Chattery();
        harness.Start();

        Chatter(harness, edges: 7, everyMs: 25); // slower than the debounce: each would be a "real" change

        var health = Assert.Single(harness.Service.Health);
        Assert.True(health.Quarantined);
        Assert.Equal(7, health.EdgesInWindow);
        Assert.NotNull(health.QuarantinedSince);
        var before = harness.Drain().Count;
        Assert.True(before <= 6, $"{before} events before quarantine");

        Chatter(harness, edges: 20, everyMs: 100);
        harness.Advance(2899); // 2999 ms after the last edge
        Assert.Empty(harness.Drain());
        Assert.True(Assert.Single(harness.Service.Health).Quarantined);
    }

    [Fact]
    public void Quarantined_line_reports_its_real_state_once_it_has_been_quiet()
    {
        using var harness = Chattery();
        harness.Start();
        Chatter(harness, edges: 9, everyMs: 10); // ends locked (odd count starting locked)
        Assert.Empty(harness.Drain());
        Assert.True(Assert.Single(harness.Service.Health).Quarantined);

        harness.Advance(2989); // 2999 ms after the last edge
        Assert.Empty(harness.Drain());
        harness.Advance(1);

        var settled = Assert.Single(harness.Drain());
        Assert.Equal(TriggerKind.LockOn, settled.Kind);
        Assert.Equal("settled locked after chatter quarantine; was unlocked before", settled.Note);
        var health = Assert.Single(harness.Service.Health);
        Assert.False(health.Quarantined);
        Assert.Equal(9, health.TotalEdges);

        harness.Set("lock-a", false); // a normal change works again
        harness.Advance(20);
        Assert.Equal(TriggerKind.LockOff, Assert.Single(harness.Drain()).Kind);
    }

    [Fact]
    public void Edges_spread_over_more_than_the_window_are_not_chatter()
    {
        using var harness = Chattery();
        harness.Start();

        Chatter(harness, edges: 20, everyMs: 400); // 2-3 edges per second window

        Assert.False(Assert.Single(harness.Service.Health).Quarantined);
        Assert.Equal(20, harness.Drain().Count);
    }

    [Fact]
    public void Health_shows_the_level_read_now()
    {
        using var harness = Chattery();
        harness.Start();
        harness.Set("lock-a", true);

        var health = Assert.Single(harness.Service.Health);
        Assert.False(health.Level); // active-low: locked reads low
        Assert.False(health.Locked); // not debounced yet
        Assert.Equal(17, health.Line);
    }
}
