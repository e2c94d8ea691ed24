namespace EdgeAgent.Tests.Procedure;

public sealed class PointStateTests
{
    private readonly ProcedureFixture at = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Restarted_agent_continues_the_job_at_the_same_step_with_the_same_locks()
    {
        using var dir = new TempDirectory();
        var template = ProcedureFixture.Templates["conveyor-lockout"];
        string? job;
        {
            var before = PointProcedure.Open("conveyor-1", template, new PointStateStore(dir.Path, time));
            before.Handle(at.Confirm("isolated"));
            before.Handle(at.Lock("lock-a"));
            before.Handle(at.Lock("lock-b"));
            job = before.WorkOrderId;
        } // the process dies here: nothing is flushed on the way out

        var after = PointProcedure.Open("conveyor-1", template, new PointStateStore(dir.Path, time));
        var next = after.Handle(at.Confirm("zero-energy-verified"));

        Assert.Equal(job, next.WorkOrderId);
        Assert.Equal("zero-energy-verified", next.Step.Id);
        Assert.True(next.Advanced);
        Assert.Empty(next.Findings);
        Assert.Equal(["lock-a", "lock-b"], after.LocksOn);
    }

    [Fact]
    public void A_time_out_raised_before_a_restart_is_still_stamped_into_the_next_record()
    {
        using var dir = new TempDirectory();
        var template = ProcedureFixture.Templates["conveyor-lockout"];
        var before = PointProcedure.Open("conveyor-1", template, new PointStateStore(dir.Path, time));
        before.Handle(at.Confirm("isolated"));
        Assert.Single(before.Tick(at.Now.AddHours(1)).Findings);

        var after = PointProcedure.Open("conveyor-1", template, new PointStateStore(dir.Path, time));

        Assert.Empty(after.Tick(at.Now.AddHours(2)).Findings); // not raised twice
        at.Now = at.Now.AddHours(2);
        Assert.Contains(after.Handle(at.Lock("lock-a")).Findings, f => f.Code == FindingCodes.StepTimedOut);
    }

    [Fact]
    public void An_unreadable_state_file_is_quarantined_and_the_point_starts_idle()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("points"));
        File.WriteAllText(dir.Combine("points", "conveyor-1.json"), "{ torn write");

        var point = PointProcedure.Open("conveyor-1", ProcedureFixture.Templates["conveyor-lockout"], new PointStateStore(dir.Path, time));

        Assert.Null(point.WorkOrderId);
        Assert.NotNull(point.Quarantined);
        Assert.Equal("{ torn write", File.ReadAllText(point.Quarantined!));
        Assert.Contains(point.Handle(at.Confirm("isolated")).Findings, f => f.Code == FindingCodes.StateLost);
    }

    [Fact]
    public void State_file_is_replaced_atomically_leaving_no_temp_file()
    {
        using var dir = new TempDirectory();
        var point = PointProcedure.Open("conveyor-1", ProcedureFixture.Templates["conveyor-lockout"], new PointStateStore(dir.Path, time));

        point.Handle(at.Confirm("isolated"));

        Assert.Equal(["conveyor-1.json"], Directory.GetFiles(dir.Combine("points")).Select(Path.GetFileName));
    }
}
