using EdgeAgent.Platform;

namespace EdgeAgent.Triggers;

/// <summary>
/// The queue between every trigger source and the procedure stage. Unbounded: a trigger is never dropped.
/// Written by <c>LockInputService</c> (GPIO), <c>Scanning/ScanRouter</c>, <c>Procedure/ProcedureTimerService</c>,
/// <c>Control/ControlApi</c> and <c>Uplink/DeviceCommandHandler</c>; read by exactly one consumer,
/// <c>Procedure/ProcedureStage.ExecuteAsync</c>, which turns each trigger into a step decision and hands it on
/// (then <c>Capture/CaptureStage</c> takes the photos, <c>Evidence/EvidenceRecorder</c> writes the records).
/// </summary>
public sealed class TriggerBus() : StageQueue<TriggerEvent>("trigger bus")
{
    /// <summary>Publishes and waits until the trigger's records are durably written.</summary>
    public async Task<TriggerOutcome> PublishAndWaitAsync(TriggerEvent trigger, CancellationToken cancellationToken = default)
    {
        var completion = new TaskCompletionSource<TriggerOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        Publish(trigger with { Completion = completion });
        return await completion.Task.WaitAsync(cancellationToken);
    }
}
