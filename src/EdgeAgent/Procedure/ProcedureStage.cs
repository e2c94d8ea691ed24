using EdgeAgent.Platform;
using EdgeAgent.Triggers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Procedure;

/// <summary>
/// The procedure stage: the trigger bus's one reader. For each trigger it asks the evidence store for room
/// (<see cref="IEvidenceRoom"/>: no step without room for its photo), lets the point's procedure decide the step
/// (<see cref="PointProcedure.Handle"/>) and hands the <see cref="DecidedTrigger"/> on to the capture stage
/// (<see cref="DecisionBus"/>). It takes the next trigger only when this one is finished (recorded or failed), so
/// decisions, photos and records stay in trigger order and a step never runs ahead of the previous trigger's records.
/// A "no room" refusal, from the check or from an append, becomes a finding the point's next record carries.
/// </summary>
public sealed class ProcedureStage(
    TriggerBus bus,
    DecisionBus decisions,
    ProcedureRegistry procedures,
    IEvidenceRoom room,
    FindingLog findingLog,
    RecorderActivity activity,
    ILogger<ProcedureStage> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var trigger in bus.Reader.ReadAllAsync(stoppingToken))
        {
            activity.Begin();
            try
            {
                var outcome = await HandleAsync(trigger, stoppingToken);
                trigger.Completion?.TrySetResult(outcome);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                trigger.Completion?.TrySetCanceled(stoppingToken);
                throw;
            }
            catch (OperationCanceledException stopped) when (stopped.CancellationToken.IsCancellationRequested)
            {
                // A later stage is stopping (the host stops the stages one by one): not a failure of this trigger.
                trigger.Completion?.TrySetCanceled(stopped.CancellationToken);
            }
            catch (Exception full) when (room.IsNoRoom(full))
            {
                // The documented refusal; the point's next record carries it as a finding.
                var point = procedures.Get(trigger.PointId);
                var refused = point.Procedure.NewFinding(FindingCodes.OutboxDiskFull, $"{trigger.Kind} trigger from {trigger.Source} not recorded: {full.Message}", trigger.StepId ?? point.Procedure.CurrentStep?.Id, trigger.EdgeTime, point.Procedure.WorkOrderId);
                try
                {
                    point.Procedure.Defer([refused]);
                }
                catch (IOException)
                {
                    // kept in memory for the next record; saved with the next point state that fits
                }

                findingLog.Report(refused);
                Log.TriggerFailed(logger, full, trigger.PointId, trigger.Kind);
                trigger.Completion?.TrySetException(full);
            }
            catch (Exception ex)
            {
                Log.TriggerFailed(logger, ex, trigger.PointId, trigger.Kind);
                trigger.Completion?.TrySetException(ex);
            }
            finally
            {
                activity.End();
            }
        }
    }

    /// <summary>Decides <paramref name="trigger"/>'s step, hands it on, and returns its outcome once it is recorded (or throws its failure).</summary>
    public async Task<TriggerOutcome> HandleAsync(TriggerEvent trigger, CancellationToken cancellationToken)
    {
        var point = procedures.Get(trigger.PointId);
        if (await room.CheckRoomAsync(cancellationToken) is { } full)
        {
            throw full; // refused before the procedure moves: the step is not taken without its photo
        }

        var decided = new DecidedTrigger(trigger, point.Procedure.Handle(trigger));
        decisions.Publish(decided);
        var outcome = await decided.Done.Task.WaitAsync(cancellationToken);
        if (decided.Unrecorded.Count > 0)
        {
            point.Procedure.Defer(decided.Unrecorded); // no record carried them: the point's next record will
        }

        return outcome;
    }
}
