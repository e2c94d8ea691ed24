using System.Text.Json;

namespace EdgeAgent.Tests.Triggers;

public sealed class StartupTruthTests
{
    [Fact]
    public void Start_up_reports_every_line_as_state_without_firing()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17), LockInputHarness.Input("lock-b", 18));
        harness.Set("lock-a", true);
        harness.Start();
        harness.Advance(1000);

        Assert.Empty(harness.Drain());
        Assert.True(harness.Service.Locked["lock-a"]);
        Assert.False(harness.Service.Locked["lock-b"]);
        Assert.Equal(["lock-a"], harness.Service.LocksHeld("conveyor-1"));
        var persisted = JsonDocument.Parse(File.ReadAllText(harness.StateFile)).RootElement.GetProperty("Inputs");
        Assert.True(persisted.GetProperty("lock-a").GetBoolean());
        Assert.False(persisted.GetProperty("lock-b").GetBoolean());
    }

    [Fact]
    public void Unlock_while_the_agent_was_down_is_recorded_as_found_at_start_up()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17));
        harness.Start();
        harness.Set("lock-a", true);
        harness.Advance(50);
        Assert.Equal(TriggerKind.LockOn, Assert.Single(harness.Drain()).Kind);

        harness.Restart(whileDown: () => harness.Set("lock-a", false));

        var found = Assert.Single(harness.Drain());
        Assert.Equal(TriggerKind.LockOff, found.Kind);
        Assert.Equal(LockInputService.ReconciliationSource, found.Source);
        Assert.Equal("found unlocked at start-up; was locked at shutdown", found.Note);
        Assert.Equal(LockGroupTransition.LastLockOff, found.Group);
        Assert.Empty(found.LocksHeld!);
    }

    [Fact]
    public void Restart_with_nothing_changed_fires_nothing()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17, debounceMs: 0), LockInputHarness.Input("lock-b", 18, debounceMs: 0));
        harness.Start();
        harness.Set("lock-b", true);
        harness.Drain();

        harness.Restart();

        Assert.Empty(harness.Drain());
        Assert.True(harness.Service.Locked["lock-b"]);
    }

    [Fact]
    public void Group_transitions_of_start_up_changes_start_from_the_state_at_shutdown()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17, debounceMs: 0), LockInputHarness.Input("lock-b", 18, debounceMs: 0));
        harness.Start();
        harness.Set("lock-a", true);
        harness.Drain();

        harness.Restart(whileDown: () =>
        {
            harness.Set("lock-b", true);
            harness.Set("lock-a", false);
        });

        var events = harness.Drain();
        Assert.Equal(
            [
                ("lock-b", TriggerKind.LockOn, LockGroupTransition.None, "found locked at start-up; was unlocked at shutdown"),
                ("lock-a", TriggerKind.LockOff, LockGroupTransition.None, "found unlocked at start-up; was locked at shutdown"),
            ],
            events.Select(e => (e.Input, e.Kind, e.Group, e.Note!))); // the point is locked now: no "last lock off"
        Assert.Equal(["lock-b"], harness.Service.LocksHeld("conveyor-1"));
    }

    [Fact]
    public void Unreadable_state_file_is_set_aside_and_replaced()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17));
        File.WriteAllText(harness.StateFile, "{ not json");
        harness.Set("lock-a", true);

        harness.Start();

        Assert.Empty(harness.Drain());
        var aside = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(harness.StateFile)!, "lock-state.json.corrupt-*"));
        Assert.Equal("{ not json", File.ReadAllText(aside));
        Assert.True(JsonDocument.Parse(File.ReadAllText(harness.StateFile)).RootElement.GetProperty("Inputs").GetProperty("lock-a").GetBoolean());
    }

    [Fact]
    public void Every_debounced_change_is_persisted()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17));
        harness.Start();

        harness.Set("lock-a", true);
        harness.Advance(50);
        harness.Service.FlushState(); // written off the callback thread

        Assert.True(JsonDocument.Parse(File.ReadAllText(harness.StateFile)).RootElement.GetProperty("Inputs").GetProperty("lock-a").GetBoolean());
        Assert.False(File.Exists(harness.StateFile + ".tmp"));
    }

    [Fact]
    public void Input_that_cannot_be_opened_is_faulty_in_health_and_keeps_its_last_known_state()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17, debounceMs: 0), LockInputHarness.Input("lock-b", 18, debounceMs: 0));
        harness.Start();
        harness.Set("lock-b", true);
        harness.Drain();

        harness.Options.Inputs[1].Line = 200; // beyond the simulated chip's 64 lines: OpenPin fails
        harness.Restart();

        var faulty = harness.Service.Health.Single(h => h.InputId == "lock-b");
        Assert.NotNull(faulty.Fault);
        Assert.Null(faulty.Level);
        Assert.Null(harness.Service.Health.Single(h => h.InputId == "lock-a").Fault);
        harness.Set("lock-a", true);
        Assert.Equal(LockGroupTransition.FirstLockOn, Assert.Single(harness.Drain()).Group);
        Assert.True(JsonDocument.Parse(File.ReadAllText(harness.StateFile)).RootElement.GetProperty("Inputs").GetProperty("lock-b").GetBoolean());
    }
}
