using Microsoft.Extensions.Options;

namespace EdgeAgent.Tests.Procedure;

public sealed class ProcedureTimerServiceTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly TriggerBus bus = new();
    private readonly FindingLog findings = new();
    private readonly ProcedureRegistry registry;

    public ProcedureTimerServiceTests()
    {
        var options = new EdgeAgentOptions
        {
            StateDirectory = dir.Path,
            Points = [new PointOptions { Id = "panel-1", Procedure = "electrical-panel" }],
        };
        registry = ProcedureRegistry.Open(Options.Create(options), time);
    }

    private TriggerEvent Trigger(TriggerKind kind, string input, string? step = null, string? code = null) =>
        new("panel-1", kind, "test", input, time.GetUtcNow(), time.GetTimestamp()) { StepId = step, Code = code, Operator = "BADGE-1" };

    [Fact]
    public async Task Timer_fires_the_timer_step_as_a_trigger_and_reports_a_step_time_out_as_a_finding()
    {
        var point = registry.Get("panel-1").Procedure;
        foreach (var trigger in new[]
        {
            Trigger(TriggerKind.Scan, "qr", code: "WO-1"), Trigger(TriggerKind.Scan, "qr", code: "PERMIT-1234"), Trigger(TriggerKind.Manual, "b"),
            Trigger(TriggerKind.LockOn, "lock-a"), Trigger(TriggerKind.Manual, "b", "dead-tested"), Trigger(TriggerKind.Manual, "b", "work-complete"),
            Trigger(TriggerKind.LockOff, "lock-a"), Trigger(TriggerKind.Manual, "b", "energised"),
        })
        {
            Assert.Empty(point.Handle(trigger).Findings);
        }

        var raised = new TaskCompletionSource<Finding>(TaskCreationOptions.RunContinuationsAsynchronously);
        findings.Raised += (_, f) => raised.TrySetResult(f);
        using var service = new ProcedureTimerService(registry, findings, bus, time, NullLogger<ProcedureTimerService>.Instance);
        await service.StartAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(bus.Reader.TryRead(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        var fired = await bus.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal((TriggerKind.Timer, "observed"), (fired.Kind, fired.Input));
        Assert.True(point.Handle(fired).Completed);

        // A new job that stalls in its first step past the limit (permit-checked: 1800 s).
        point.Handle(Trigger(TriggerKind.Scan, "qr", code: "WO-2"));
        point.Handle(Trigger(TriggerKind.Scan, "qr", code: "PERMIT-5678"));
        time.Advance(TimeSpan.FromSeconds(1801));
        var finding = await raised.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await service.StopAsync(CancellationToken.None);

        Assert.Equal((FindingCodes.StepTimedOut, "WO-2", "permit-checked"), (finding.Code, finding.WorkOrderId, finding.StepId));
        Assert.Contains(findings.Recent, f => f.Code == FindingCodes.StepTimedOut);
    }

    public void Dispose() => dir.Dispose();
}
