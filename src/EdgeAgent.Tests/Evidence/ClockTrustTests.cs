using EdgeAgent.Evidence;

namespace EdgeAgent.Tests.Evidence;

public sealed class ClockTrustTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Steady_clocks_give_no_jump_and_report_sync_state_boot_id_and_monotonic_ms()
    {
        var clock = new SteppableWallClock(time);
        var trust = new ClockTrust(clock, new FixedClockSyncProbe(true));

        var first = trust.Sample();
        time.Advance(TimeSpan.FromMinutes(10));
        var second = trust.Sample();

        Assert.Null(first.JumpMs);
        Assert.Null(second.JumpMs);
        Assert.True(second.Trusted);
        Assert.Equal("3f1c2d9e-0000-4000-8000-000000000001", second.BootId);
        Assert.Equal(600_000, second.MonotonicMs - first.MonotonicMs);
    }

    [Fact]
    public void Wall_clock_stepped_forward_is_flagged_as_a_forward_jump()
    {
        var clock = new SteppableWallClock(time);
        var trust = new ClockTrust(clock, new FixedClockSyncProbe(false));
        TimeSpan? raised = null;
        trust.JumpDetected += (_, jump) => raised = jump;

        trust.Sample();
        time.Advance(TimeSpan.FromSeconds(5));
        clock.Offset = TimeSpan.FromHours(1); // NTP steps a clock that booted wrong
        var stamp = trust.Sample();

        Assert.Equal(3_600_000, stamp.JumpMs);
        Assert.Equal(TimeSpan.FromHours(1), raised);
        Assert.False(stamp.Trusted);
        Assert.NotNull(trust.LastJump);
    }

    [Fact]
    public void Wall_clock_set_back_is_flagged_as_a_backward_jump()
    {
        var clock = new SteppableWallClock(time);
        var trust = new ClockTrust(clock, new FixedClockSyncProbe(true));

        trust.Sample();
        time.Advance(TimeSpan.FromSeconds(30));
        clock.Offset = TimeSpan.FromMinutes(-2);
        var stamp = trust.Sample();
        time.Advance(TimeSpan.FromSeconds(30));
        var after = trust.Sample();

        Assert.Equal(-120_000, stamp.JumpMs);
        Assert.Null(after.JumpMs); // one jump is reported once
    }

    [Fact]
    public void A_jump_seen_by_a_health_check_is_still_stamped_into_the_next_record()
    {
        var clock = new SteppableWallClock(time);
        var trust = new ClockTrust(clock, new FixedClockSyncProbe(true));

        trust.Sample();
        time.Advance(TimeSpan.FromSeconds(10));
        clock.Offset = TimeSpan.FromDays(-1);
        Assert.True(trust.Check().Synchronized);
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(-86_400_000, trust.Sample().JumpMs);
        Assert.Equal(TimeSpan.FromDays(-1), trust.LastJump?.Jump);
    }

    [Fact]
    public void Drift_below_the_threshold_is_not_a_jump()
    {
        var clock = new SteppableWallClock(time);
        var trust = new ClockTrust(clock, new FixedClockSyncProbe(true)) { JumpThreshold = TimeSpan.FromSeconds(2) };

        trust.Sample();
        time.Advance(TimeSpan.FromMinutes(1));
        clock.Offset = TimeSpan.FromMilliseconds(1500);

        Assert.Null(trust.Sample().JumpMs);
    }

    [Fact]
    public void Linux_probe_reads_adjtimex_and_the_boot_id_of_this_machine()
    {
        var probe = new LinuxClockSyncProbe();

        var state = probe.Read();

        Assert.NotNull(state.Synchronized); // adjtimex answered (true or false, never "unknown" on Linux)
        Assert.True(state.MaxErrorUs >= 0);
        Assert.True(Guid.TryParse(probe.BootId, out _), probe.BootId);
    }
}
