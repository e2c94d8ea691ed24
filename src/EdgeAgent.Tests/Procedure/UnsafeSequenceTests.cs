namespace EdgeAgent.Tests.Procedure;

public sealed class UnsafeSequenceTests
{
    private readonly ProcedureFixture at = new();

    private static PointProcedure Conveyor() => new("conveyor-1", ProcedureFixture.Templates["conveyor-lockout"]);

    [Fact]
    public void Unlock_while_another_lock_is_still_on_is_flagged()
    {
        var point = Conveyor();
        point.Handle(at.Confirm("isolated"));
        point.Handle(at.Lock("lock-a"));
        point.Handle(at.Lock("lock-b"));
        point.Handle(at.Confirm("zero-energy-verified"));

        var decision = point.Handle(at.Unlock("lock-a"));

        Assert.Equal([FindingCodes.UnlockWhileLocked], ProcedureFixture.Codes(decision));
        Assert.Contains("lock-b", decision.Findings[0].Message);
        Assert.Equal("zero-energy-verified", decision.Step.Id);
        Assert.Equal(["lock-b"], point.LocksOn);
    }

    [Fact]
    public void Second_worker_unlocking_after_the_area_is_cleared_is_not_a_finding()
    {
        var point = Conveyor();
        point.Handle(at.Confirm("isolated"));
        point.Handle(at.Lock("lock-a"));
        point.Handle(at.Lock("lock-b"));
        point.Handle(at.Confirm("zero-energy-verified"));
        point.Handle(at.Confirm("area-cleared"));

        var first = point.Handle(at.Unlock("lock-a"));
        var last = point.Handle(at.Unlock("lock-b"));

        Assert.Empty(first.Findings);
        Assert.Empty(last.Findings);
        Assert.Equal("lock-removed", last.Step.Id);
    }

    [Fact]
    public void Unlock_before_zero_energy_was_verified_is_flagged()
    {
        var point = Conveyor();
        point.Handle(at.Confirm("isolated"));
        point.Handle(at.Lock("lock-a"));

        var decision = point.Handle(at.Unlock("lock-a"));

        Assert.Contains(FindingCodes.UnlockBeforeZeroEnergy, ProcedureFixture.Codes(decision));
        Assert.Contains(decision.Findings, f => f.Code == FindingCodes.StepSkipped && f.StepId == "zero-energy-verified");
    }

    [Fact]
    public void Lock_with_no_work_order_is_flagged_where_the_procedure_needs_one_first()
    {
        var point = new PointProcedure("conveyor-1", ProcedureFixture.Templates["electrical-panel"]);

        var decision = point.Handle(at.Lock("lock-a"));

        Assert.Contains(FindingCodes.LockWithoutWorkOrder, ProcedureFixture.Codes(decision));
        Assert.NotNull(point.WorkOrderId); // stamped, never unrecorded
        Assert.True(decision.Capture);
    }

    [Fact]
    public void First_lock_opens_the_job_where_the_procedure_allows_it()
    {
        var point = Conveyor();

        var decision = point.Handle(at.Lock("lock-a"));

        Assert.DoesNotContain(FindingCodes.LockWithoutWorkOrder, ProcedureFixture.Codes(decision));
        Assert.Equal("lock", decision.StartedBy);
        Assert.Equal("locked", decision.Step.Id);
        Assert.Contains(decision.Findings, f => f.Code == FindingCodes.StepSkipped && f.StepId == "isolated");
    }

    [Fact]
    public void Unlock_of_a_lock_never_recorded_is_flagged()
    {
        var point = Conveyor();
        point.Handle(at.Confirm("isolated"));

        Assert.Contains(FindingCodes.UnlockWithoutLock, ProcedureFixture.Codes(point.Handle(at.Unlock("lock-z"))));
    }

    [Fact]
    public void Step_that_outlives_its_time_limit_is_flagged_once_and_stamped_into_the_next_record()
    {
        var point = Conveyor(); // "isolated" allows 900 s
        point.Handle(at.Confirm("isolated"));
        var entered = at.Now;

        Assert.Empty(point.Tick(entered.AddSeconds(900)).Findings);
        var late = point.Tick(entered.AddSeconds(901)).Findings;
        Assert.Empty(point.Tick(entered.AddSeconds(2000)).Findings);
        at.Now = entered.AddSeconds(2000);
        var next = point.Handle(at.Lock("lock-a"));

        Assert.Equal(FindingCodes.StepTimedOut, Assert.Single(late).Code);
        Assert.Equal("isolated", late[0].StepId);
        Assert.Contains(next.Findings, f => f.Code == FindingCodes.StepTimedOut);
        Assert.Empty(point.State.Pending);
    }

    [Fact]
    public void Step_needing_a_badge_reached_without_one_is_flagged()
    {
        var point = Conveyor();
        point.Handle(at.Confirm("isolated"));
        point.Handle(at.Lock("lock-a"));

        var decision = point.Handle(at.Confirm("zero-energy-verified", op: null));

        Assert.Equal([FindingCodes.ConfirmationMissing], ProcedureFixture.Codes(decision));
        Assert.True(decision.Advanced);
    }

    [Fact]
    public void A_scan_at_an_idle_point_that_means_nothing_opens_no_job_but_is_reported()
    {
        var point = Conveyor();

        var decision = point.Handle(at.Scan("hello world"));

        Assert.Null(point.WorkOrderId);
        Assert.False(decision.Capture);
        Assert.Equal([FindingCodes.OutOfOrder], ProcedureFixture.Codes(decision));
    }

    [Fact]
    public void A_job_started_in_a_way_the_procedure_does_not_allow_is_recorded_with_a_finding()
    {
        var point = new PointProcedure("conveyor-1", ProcedureFixture.Templates["electrical-panel"]); // scan or command only

        var decision = point.Handle(at.Confirm("breaker-open"));

        Assert.NotNull(point.WorkOrderId);
        Assert.Contains(decision.Findings, f => f.Code == FindingCodes.OutOfOrder && f.Message.Contains("cannot start by manual", StringComparison.Ordinal));
    }

    [Fact]
    public void Abort_with_no_open_job_is_reported_and_captures_nothing()
    {
        var point = Conveyor();

        var decision = point.Handle(at.Command(abort: "test"));

        Assert.False(decision.Capture);
        Assert.Equal([FindingCodes.OutOfOrder], ProcedureFixture.Codes(decision));
    }
}
