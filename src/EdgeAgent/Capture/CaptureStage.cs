using System.Collections.Concurrent;
using EdgeAgent.Procedure;
using Microsoft.Extensions.Hosting;

namespace EdgeAgent.Capture;

/// <summary>
/// The capture stage: the decision bus's one reader. For each decided trigger it has every camera of the step
/// hand over the frames produced around the edge (pre, at, post; each frame evidence for one record of a job at
/// most), all cameras at once so every photo of a trigger shows the same moment, encodes the chosen frames as
/// JPEGs, and hands a <see cref="CaptureBatch"/> to the evidence stage (<see cref="CaptureBus"/>). A failure
/// completes the trigger's <see cref="DecidedTrigger.Done"/> with it; nothing is handed on then.
/// </summary>
public sealed class CaptureStage(DecisionBus decisions, CaptureBus captures, ProcedureRegistry procedures, CameraRegistry cameras) : BackgroundService
{
    private readonly ConcurrentDictionary<string, FrameLedger> ledgers = new(StringComparer.Ordinal);

    /// <summary>A decided trigger's cameras have begun: its pre-trigger photos are chosen (tests on fake time wait for it).</summary>
    internal event Action<DecidedTrigger>? Started;

    /// <summary>A decided trigger's photos were handed to the evidence stage (tests on fake time stop the clock then).</summary>
    internal event Action<DecidedTrigger>? HandedOn;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var decided in decisions.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                var batch = await CaptureAsync(decided, stoppingToken);
                captures.Publish(batch);
                HandedOn?.Invoke(decided);
                if (batch.Cameras.Any(c => cameras.Get(c.CameraId).Compressed))
                {
                    // Handed on first. The pictures just decoded and encoded (5.9 MiB each at 1080p) are garbage now: a
                    // full collection gives their large-object space back before the next trigger decodes, instead of
                    // when the large-object budget runs out (docs/design-notes.md, "Memory budget, compressed cameras").
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                decided.Done.TrySetCanceled(stoppingToken);
                throw;
            }
            catch (Exception ex)
            {
                decided.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>The photos of every camera the decision asks for, encoded; none when it photographs nothing.</summary>
    public async Task<CaptureBatch> CaptureAsync(DecidedTrigger decided, CancellationToken cancellationToken)
    {
        var (trigger, decision) = (decided.Trigger, decided.Decision);
        if (!decision.Capture)
        {
            return new CaptureBatch(decided, new FrameRequest(null, 1), [], [], [], null, null);
        }

        // The step's capture settings drive the plan (pre-trigger frames, post-trigger frames, interval, settle); the
        // camera's options are the defaults.
        var point = procedures.Get(trigger.PointId);
        var step = decision.Step.Capture;
        var wanted = step.Cameras;
        var request = decision.Advanced
            ? new FrameRequest(step.PreFrames, step.PostTrigger, step.IntervalMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, TimeSpan.FromMilliseconds(step.SettleMs))
            : new FrameRequest(null, 1);
        var capturing = point.Options.Cameras.Where(c => wanted.Count == 0 || wanted.Contains(c)).ToList();
        var ledger = ledgers.GetOrAdd(trigger.PointId, _ => new FrameLedger());
        var moment = new CaptureMoment(trigger.EdgeTime, trigger.EdgeTimestamp, ledger.Begin(decision.WorkOrderId, trigger.EdgeTime), ledger);
        var started = cameras.StartCaptures(capturing, moment, request, decision.Step.Id, cancellationToken);
        Started?.Invoke(decided);
        var withoutRing = capturing.Where(c => request.PreTrigger > 0 && !cameras.HasPreTriggerRing(c)).ToList();
        var notOfPoint = wanted.Where(c => !point.Options.Cameras.Contains(c)).ToList();

        var taken = new List<CameraShots>();
        foreach (var cameraId in capturing)
        {
            try
            {
                var capture = await started[cameraId];
                var quality = cameras.Settings[cameraId].JpegQuality;
                var shots = capture.Shots.Select(shot => new EncodedShot(shot with { Frame = Spent(shot.Frame) }, JpegEncoder.Encode(shot.Frame.Image, quality))).ToList();
                var shortfall = PreTriggerShortOf(cameraId, capture.Result);
                var result = capture.Result with { Shots = [.. capture.Result.Shots.Select(s => s with { Frame = Spent(s.Frame) })] };
                taken.Add(new CameraShots(cameraId, shots, result, null, shortfall));
            }
            catch (CameraUnavailableException ex)
            {
                taken.Add(new CameraShots(cameraId, [], null, ex.Message, null));
            }
        }

        return new CaptureBatch(decided, request, taken, withoutRing, notOfPoint, moment.PreviousEdge, ledger);

        // Encoded: the pixels (5.9 MiB a 1080p photo) are not kept while the batch is signed and stored.
        static Frame Spent(Frame frame) => frame with { Image = frame.Image with { Pixels = [] } };

        PreTriggerShortfall? PreTriggerShortOf(string cameraId, CaptureResult result)
        {
            var preWanted = request.PreTrigger ?? cameras.Settings[cameraId].PreTriggerPhotos;
            if (!cameras.HasPreTriggerRing(cameraId) || result.Pre >= preWanted)
            {
                return null;
            }

            var reader = cameras.Get(cameraId);
            var frameBytes = result.Shots.Count > 0 ? result.Shots[0].Frame.Bytes : 0;
            if (!reader.Ring.Compressed && reader.Ring.MaxBytes < preWanted * frameBytes) // a compressed ring holds every frame
            {
                // A ring too small for the step is a configuration fault; a ring still filling after start is not.
                return new PreTriggerShortfall(preWanted, RingTooSmall: true);
            }

            if (result.PreBeforeEdge > result.Pre || (reader.FirstFrameAt is { } first && first <= trigger.EdgeTime - reader.Ring.Window))
            {
                // Older frames were left out (from before the previous trigger, or already another record's photo), or the
                // ring had its whole window before the edge (not still filling after start): fewer new frames than asked.
                return new PreTriggerShortfall(preWanted, RingTooSmall: false);
            }

            return null;
        }
    }
}
