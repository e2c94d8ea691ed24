using EdgeAgent.Triggers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Procedure;

/// <summary>
/// Once a second (on <see cref="TimeProvider"/>) checks every point for step time-outs and due timer steps:
/// time-outs are reported as findings, timer steps are published as <see cref="TriggerKind.Timer"/> triggers.
/// </summary>
public sealed partial class ProcedureTimerService(
    ProcedureRegistry procedures,
    FindingLog findings,
    TriggerBus bus,
    TimeProvider timeProvider,
    ILogger<ProcedureTimerService> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private PeriodicTimer? timer;

    /// <summary>Creates the timer before returning, so time that passes after start is never missed.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        timer ??= new PeriodicTimer(Period, timeProvider);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (await timer!.WaitForNextTickAsync(stoppingToken))
        {
            CheckAll();
        }
    }

    public override void Dispose()
    {
        timer?.Dispose();
        base.Dispose();
    }

    /// <summary>One pass over every point; public so tests and the timer share it.</summary>
    public void CheckAll()
    {
        var now = timeProvider.GetUtcNow();
        foreach (var point in procedures.All)
        {
            var (raised, timerStep) = point.Procedure.Tick(now);
            foreach (var finding in raised)
            {
                Log.FindingRaised(logger, finding.PointId, finding.Code, finding.Message);
                findings.Report(finding);
            }

            if (timerStep is not null)
            {
                bus.Publish(new TriggerEvent(point.Options.Id, TriggerKind.Timer, "procedure-timer", timerStep, now, timeProvider.GetTimestamp()));
            }
        }
    }
}
