namespace EdgeAgent.Tests.Procedure;

public sealed class PointProcedureTests
{
    private readonly ProcedureFixture at = new();

    private static PointProcedure Conveyor() => new("conveyor-1", ProcedureFixture.Templates["conveyor-lockout"]);

    [Fact]
    public void Conveyor_lockout_walks_all_six_steps_in_order_and_completes_without_findings()
    {
        var point = Conveyor();
        var decisions = new[]
        {
            point.Handle(at.Confirm("isolated")),
            point.Handle(at.Lock("lock-a")),
            point.Handle(at.Confirm("zero-energy-verified")),
            point.Handle(at.Confirm("area-cleared")),
            point.Handle(at.Unlock("lock-a")),
            point.Handle(at.Confirm("restored")),
        };

        Assert.Equal(["isolated", "locked", "zero-energy-verified", "area-cleared", "lock-removed", "restored"], decisions.Select(d => d.Step.Id));
        Assert.Equal([0, 1, 2, 3, 4, 5], decisions.Select(d => d.StepIndex));
        Assert.All(decisions, d => Assert.True(d.Advanced && d.Capture));
        Assert.All(decisions, d => Assert.Empty(d.Findings));
        Assert.Single(decisions.Select(d => d.WorkOrderId).Distinct());
        Assert.Equal("manual", decisions[0].StartedBy);
        Assert.True(decisions[^1].Completed);
        Assert.Equal("completed", decisions[^1].Status);
        Assert.Null(point.WorkOrderId);
        Assert.Empty(point.LocksOn);
    }

    [Fact]
    public void Electrical_panel_job_opens_by_scanned_work_order_and_ends_on_its_timer_step()
    {
        var point = new PointProcedure("conveyor-1", ProcedureFixture.Templates["electrical-panel"]);

        var opened = point.Handle(at.Scan("WO-4711"));
        Assert.False(opened.Capture);
        Assert.Equal("WO-4711", point.WorkOrderId);

        var steps = new[]
        {
            point.Handle(at.Scan("PERMIT-123456")),
            point.Handle(at.Confirm(null)),
            point.Handle(at.Lock("lock-a")),
            point.Handle(at.Confirm("dead-tested")),
            point.Handle(at.Confirm("work-complete")),
            point.Handle(at.Unlock("lock-a")),
            point.Handle(at.Confirm("energised")),
        };
        Assert.Equal(["permit-checked", "breaker-open", "locked", "dead-tested", "work-complete", "unlocked", "energised"], steps.Select(d => d.Step.Id));
        Assert.All(steps, d => Assert.Empty(d.Findings));

        Assert.Null(point.Tick(at.Now.AddSeconds(59)).TimerStepId);
        Assert.Equal("observed", point.Tick(at.Now.AddSeconds(60)).TimerStepId);
        Assert.Null(point.Tick(at.Now.AddSeconds(61)).TimerStepId); // asked for once

        var last = point.Handle(at.Timer("observed"));
        Assert.True(last.Completed);
        Assert.Equal("WO-4711", last.WorkOrderId);
        Assert.Equal("scan", last.StartedBy);
    }

    [Fact]
    public void A_timer_overtaken_by_an_abort_opens_no_job_and_records_nothing()
    {
        var point = new PointProcedure("conveyor-1", ProcedureFixture.Templates["electrical-panel"]);
        point.Handle(at.Command(workOrderId: "WO-7"));
        point.Handle(at.Command(abort: "permit withdrawn"));

        var stale = point.Handle(at.Timer("observed"));

        Assert.False(stale.Capture);
        Assert.Empty(stale.Findings);
        Assert.Null(point.WorkOrderId);
    }

    [Fact]
    public void A_remote_command_opens_a_work_order_with_the_central_id_without_photos()
    {
        var point = Conveyor();

        var decision = point.Handle(at.Command(workOrderId: "WO-CENTRAL-9"));
        var first = point.Handle(at.Confirm("isolated"));

        Assert.False(decision.Capture);
        Assert.Empty(decision.Findings);
        Assert.Equal("WO-CENTRAL-9", first.WorkOrderId);
        Assert.Equal("command", first.StartedBy);
        Assert.True(first.Advanced);
    }

    [Fact]
    public void A_remote_command_naming_the_first_step_opens_the_job_and_confirms_that_step()
    {
        var point = Conveyor();

        var decision = point.Handle(at.Command(workOrderId: "WO-CENTRAL-10", step: "isolated"));

        Assert.True(decision.Advanced);
        Assert.Equal("isolated", decision.Step.Id);
        Assert.Equal("WO-CENTRAL-10", decision.WorkOrderId);
    }

    [Fact]
    public void A_badge_scanned_at_an_idle_point_opens_a_job_for_that_operator()
    {
        var point = Conveyor();

        point.Handle(at.Scan("BADGE-0007"));

        Assert.NotNull(point.WorkOrderId);
        Assert.Equal("badge", point.State.StartedBy);
        Assert.Equal(["BADGE-0007"], point.State.Operators);
    }

    [Fact]
    public void A_trigger_that_does_not_fit_the_next_step_is_an_out_of_order_finding_stamped_with_the_current_step()
    {
        var point = Conveyor();
        point.Handle(at.Confirm("isolated"));

        var decision = point.Handle(at.Scan("PERMIT-1"));

        Assert.Equal([FindingCodes.OutOfOrder], ProcedureFixture.Codes(decision));
        Assert.Equal("isolated", decision.Step.Id);
        Assert.False(decision.Advanced);
    }

    [Fact]
    public void Confirming_a_later_step_records_each_skipped_step()
    {
        var point = Conveyor();
        point.Handle(at.Confirm("isolated"));

        var decision = point.Handle(at.Confirm("zero-energy-verified"));

        Assert.Equal([FindingCodes.StepSkipped], ProcedureFixture.Codes(decision));
        Assert.Equal("locked", decision.Findings[0].StepId);
        Assert.Equal("zero-energy-verified", decision.Step.Id);
    }

    [Fact]
    public void Abort_with_a_reason_ends_the_job_and_the_next_trigger_opens_a_new_one()
    {
        var point = Conveyor();
        point.Handle(at.Confirm("isolated"));
        var job = point.WorkOrderId;

        var aborted = point.Handle(at.Command(abort: "wrong isolator"));
        var next = point.Handle(at.Confirm("isolated"));

        Assert.True(aborted.Aborted);
        Assert.Equal("aborted", aborted.Status);
        Assert.Equal("wrong isolator", aborted.AbortReason);
        Assert.Equal(job, aborted.WorkOrderId);
        Assert.Contains(FindingCodes.Aborted, ProcedureFixture.Codes(aborted));
        Assert.NotEqual(job, next.WorkOrderId);
        Assert.True(next.Advanced);
    }

    [Fact]
    public void A_failing_finding_subscriber_does_not_stop_the_others()
    {
        var log = new FindingLog();
        var seen = new List<string>();
        log.Raised += (_, _) => throw new InvalidOperationException("alert publisher down");
        log.Raised += (_, f) => seen.Add(f.Code);

        log.Report(new Finding(FindingCodes.PhotoMissing, "cam-2 dead", "conveyor-1", "WO-1", "locked", at.Now));

        log.Report(log.Recent[0]); // the same finding again, when a later record carries it

        Assert.Equal([FindingCodes.PhotoMissing], seen);
        Assert.Equal(1, log.Total);
    }
}
