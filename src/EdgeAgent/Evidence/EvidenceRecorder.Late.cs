using EdgeAgent.Capture;
using EdgeAgent.Procedure;
using EdgeAgent.Protocol;
using EdgeAgent.Triggers;

namespace EdgeAgent.Evidence;

/// <summary>
/// Late photos: a step whose camera had no frame produced after the edge in time (start-up, outage) gets its
/// photo as soon as the camera delivers one, marked <c>late</c> with its delay. The photo-missing finding stays on it.
/// </summary>
public sealed partial class EvidenceRecorder
{
    private readonly Lock lateGate = new();
    private readonly CancellationTokenSource lateStopping = new();
    private int lateDisposed;
    private readonly List<Task> latePhotos = [];

    /// <summary>Completes when every late photo waited for now has been recorded or given up.</summary>
    public Task LatePhotosSettled()
    {
        lock (lateGate)
        {
            latePhotos.RemoveAll(t => t.IsCompleted);
            return Task.WhenAll(latePhotos);
        }
    }

    private void TakeLatePhoto(TriggerEvent trigger, StepDecision decision, string cameraId, string reason, List<Finding> findings, FrameLedger ledger, CancellationToken cancellationToken)
    {
        var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lateStopping.Token);
        var task = Task.Run(() => LatePhotoAsync(trigger, decision, cameraId, reason, findings, ledger, stopping.Token), CancellationToken.None)
            .ContinueWith(_ => stopping.Dispose(), TaskScheduler.Default);
        lock (lateGate)
        {
            latePhotos.RemoveAll(t => t.IsCompleted);
            latePhotos.Add(task);
        }
    }

    /// <summary>Stops waiting for late photos, then stops the recorder.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref lateDisposed) == 0)
        {
            await lateStopping.CancelAsync();
        }

        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref lateDisposed, 1) == 0)
        {
            lateStopping.Cancel();
            lateStopping.Dispose();
        }

        base.Dispose();
    }

    private async Task LatePhotoAsync(TriggerEvent trigger, StepDecision decision, string cameraId, string reason, List<Finding> findings, FrameLedger ledger, CancellationToken cancellationToken)
    {
        try
        {
            var due = trigger.EdgeTime + TimeSpan.FromMilliseconds(decision.Advanced ? decision.Step.Capture.SettleMs : 0);
            var shot = await cameras.CaptureLateAsync(cameraId, due, ledger, decision.Step.Id, cancellationToken);
            if (shot is null)
            {
                Log.LatePhotoGivenUp(logger, cameraId, decision.Step.Id, cameras.Settings[cameraId].LatePhotoWindowSeconds);
                return;
            }

            var delay = Math.Round((shot.Frame.ProducedAt - trigger.EdgeTime).TotalMilliseconds, 1);
            var jpeg = JpegEncoder.Encode(shot.Frame.Image, cameras.Settings[cameraId].JpegQuality);
            await RecordAsync(trigger, decision, cameraId, shot, jpeg, new PhotoNumber(1, Math.Max(1, decision.Step.Capture.PostTrigger)), findings, new LateStamp(delay, reason), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.LatePhotoFailed(logger, ex, cameraId, decision.Step.Id);
        }
    }
}
