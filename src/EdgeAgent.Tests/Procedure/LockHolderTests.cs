namespace EdgeAgent.Tests.Procedure;

/// <summary>Whose personal lock it is: the input's configured holder, else the badge scanned just before the lock closed, else unknown.</summary>
public sealed class LockHolderTests
{
    private readonly ProcedureFixture at = new();

    private static PointProcedure Conveyor(TimeSpan? badgeWindow = null) => new("conveyor-1", ProcedureFixture.Templates["conveyor-lockout"], badgeWindow: badgeWindow);

    [Fact]
    public void Lock_of_an_input_with_a_configured_holder_names_that_worker_on_and_off()
    {
        var point = Conveyor();
        var isolated = point.Handle(at.Confirm("isolated"));
        var on = point.Handle(at.Lock("lock-a") with { Holder = "wang.fang" });
        point.Handle(at.Confirm("zero-energy-verified"));
        point.Handle(at.Confirm("area-cleared"));
        var off = point.Handle(at.Unlock("lock-a") with { Holder = "wang.fang" });

        Assert.Null(isolated.Holder); // only lock records name a holder
        Assert.Equal("wang.fang", on.Holder);
        Assert.Equal("wang.fang", off.Holder);
    }

    [Fact]
    public void Badge_scanned_just_before_a_lock_closes_binds_that_lock_to_the_badge_holder_for_the_job()
    {
        var point = Conveyor();
        point.Handle(at.Confirm("isolated"));
        var badge = point.Handle(at.Scan("BADGE-0077") with { Operator = "BADGE-0077" }); // as the scan router sends a badge
        var lockA = point.Handle(at.Lock("lock-a")); // 10 s later
        var lockB = point.Handle(at.Lock("lock-b")); // nobody badged for this one
        point.Handle(at.Confirm("zero-energy-verified"));
        point.Handle(at.Confirm("area-cleared"));
        var offB = point.Handle(at.Unlock("lock-b"));
        var offA = point.Handle(at.Unlock("lock-a"));

        Assert.False(badge.Capture); // identifying a worker is not a step: no photo, no out-of-order finding
        Assert.Empty(badge.Findings);
        Assert.Equal("BADGE-0077", lockA.Holder);
        Assert.Equal(LockHolder.Unknown, lockB.Holder); // one badge binds one lock
        Assert.Equal(LockHolder.Unknown, offB.Holder);
        Assert.Equal("BADGE-0077", offA.Holder); // the binding lasts the job: the lock's removal names the same worker
    }

    [Fact]
    public void Badge_scanned_longer_before_the_lock_than_the_window_binds_nothing()
    {
        var point = Conveyor(badgeWindow: TimeSpan.FromSeconds(5));
        point.Handle(at.Confirm("isolated"));
        point.Handle(at.Scan("BADGE-0077") with { Operator = "BADGE-0077" });
        var on = point.Handle(at.Lock("lock-a")); // 10 s after the badge, the window is 5 s

        Assert.Equal(LockHolder.Unknown, on.Holder);
    }

    [Fact]
    public void Configured_holder_wins_over_a_badge_of_someone_else()
    {
        var point = Conveyor();
        point.Handle(at.Confirm("isolated"));
        point.Handle(at.Scan("BADGE-0077") with { Operator = "BADGE-0077" });
        var on = point.Handle(at.Lock("lock-a") with { Holder = "wang.fang" });

        Assert.Equal("wang.fang", on.Holder);
    }
}
