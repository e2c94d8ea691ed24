using System.Security.Cryptography;
using EdgeAgent.Capture;
using EdgeAgent.Capture.Quality;
using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using EdgeAgent.Procedure;
using EdgeAgent.Triggers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Evidence;

/// <summary>
/// The heart of the path: takes each trigger, asks the point's procedure which step it stamps, has every
/// camera of the point hand over its freshest frame, encodes it, and writes record and image durably to
/// the outbox. A trigger counts as handled only when its records are on disk.
/// </summary>
public sealed partial class EvidenceRecorder(
    IOptions<EdgeAgentOptions> options,
    TriggerBus bus,
    ProcedureRegistry procedures,
    CameraRegistry cameras,
    EvidenceOutbox outbox,
    DeviceKey deviceKey,
    ClockTrust clockTrust,
    FindingLog findingLog,
    RecorderActivity activity,
    TimeProvider timeProvider,
    ILogger<EvidenceRecorder> logger) : BackgroundService
{
    private int quarantineReported;

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
            catch (OutboxDiskFullException full)
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

                Report([refused]);
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

    public async Task<TriggerOutcome> HandleAsync(TriggerEvent trigger, CancellationToken cancellationToken)
    {
        var point = procedures.Get(trigger.PointId);
        if (await outbox.CheckRoomAsync(cancellationToken) is { } full)
        {
            throw full; // refused before the procedure moves: the step is not taken without its photo
        }

        var decision = point.Procedure.Handle(trigger);
        var recordIds = new List<Guid>();
        var findings = decision.Findings.ToList();
        if ((outbox.Condition.StateLost?.Message ?? outbox.Condition.QuarantineDetail) is { } lost && Interlocked.Exchange(ref quarantineReported, 1) == 0)
        {
            // The auditor must see why this device's chain has a hole or restarts: the first record after start-up says so.
            findings.Add(point.Procedure.NewFinding(outbox.Condition.StateLost is null ? FindingCodes.OutboxQuarantined : FindingCodes.StateLost, lost, decision.Step.Id, trigger.EdgeTime, decision.WorkOrderId));
        }

        if (!decision.Capture)
        {
            point.Procedure.Defer(findings); // no record now: the next record of the point carries them
            Report(findings);
            return new TriggerOutcome(trigger.PointId, decision.Step.Id, recordIds, [.. findings.Select(f => f.ToString())]);
        }

        // All cameras at once (each camera's capture plan: pre-trigger frames, then post-trigger photos), so every
        // photo of a trigger shows the same moment; then one record per photo.
        // The step's capture settings drive the plan (pre-trigger frames, post-trigger frames, interval); the camera's options are the defaults.
        var step = decision.Step.Capture;
        var wanted = step.Cameras;
        var request = decision.Advanced
            ? new FrameRequest(step.PreFrames, step.PostTrigger, step.IntervalMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null)
            : new FrameRequest(null, 1);
        var photos = request.PostTrigger;
        var capturing = point.Options.Cameras.Where(c => wanted.Count == 0 || wanted.Contains(c)).ToList();
        var captures = cameras.StartCaptures(capturing, trigger.EdgeTimestamp, request, decision.Step.Id, cancellationToken);
        foreach (var blind in capturing.Where(c => request.PreTrigger > 0 && !cameras.HasPreTriggerRing(c)))
        {
            findings.Add(point.Procedure.NewFinding(FindingCodes.PreTriggerUnavailable, $"step '{decision.Step.Id}' asks for {request.PreTrigger} frames from before the trigger but camera {blind} keeps no pre-trigger ring (set its PreTriggerMegabytes)", decision.Step.Id, trigger.EdgeTime, decision.WorkOrderId));
        }

        foreach (var absent in wanted.Where(c => !point.Options.Cameras.Contains(c)))
        {
            findings.Add(point.Procedure.NewFinding(FindingCodes.PhotoMissing, $"step '{decision.Step.Id}' wants camera {absent}, which is not a camera of point {trigger.PointId}", decision.Step.Id, trigger.EdgeTime, decision.WorkOrderId));
        }

        // First every camera's outcome, so each record carries the findings of the whole trigger (a dead second camera too).
        var taken = new List<(string CameraId, IReadOnlyList<CapturedFrame> Shots)>();
        foreach (var cameraId in capturing)
        {
            try
            {
                var shots = await captures[cameraId];
                taken.Add((cameraId, shots));
                var before = shots.Count(s => s.Frame.Timestamp < trigger.EdgeTimestamp);
                AddMissing(cameraId, shots.Count - before, "the camera delivered fewer frames than the plan asks for");
                var preWanted = request.PreTrigger ?? cameras.Settings[cameraId].PreTriggerPhotos;
                var frameBytes = shots.Count > 0 ? shots[0].Frame.Bytes : 0;
                if (cameras.HasPreTriggerRing(cameraId) && before < preWanted && cameras.Get(cameraId).Ring.MaxBytes < preWanted * frameBytes)
                {
                    // A ring too small for the step is a configuration fault; a ring still filling after start is not.
                    findings.Add(point.Procedure.NewFinding(FindingCodes.PreTriggerUnavailable, $"step '{decision.Step.Id}' asks for {preWanted} frames from before the trigger but camera {cameraId}'s ring holds only {before} of its frames (raise its PreTriggerMegabytes)", decision.Step.Id, trigger.EdgeTime, decision.WorkOrderId));
                }
            }
            catch (CameraUnavailableException ex)
            {
                Log.CameraMissing(logger, cameraId, ex.Message);
                AddMissing(cameraId, 0, ex.Message);
            }
        }

        foreach (var (cameraId, shots) in taken)
        {
            var settings = cameras.Settings[cameraId];
            var photo = 0;
            foreach (var (frame, quality) in shots)
            {
                photo++;
                var jpeg = JpegEncoder.Encode(frame.Image, settings.JpegQuality);
                var clock = clockTrust.Sample();
                if (clock.JumpMs is { } jump)
                {
                    findings.Add(point.Procedure.NewFinding(FindingCodes.ClockJump, $"wall clock jumped {jump} ms against the monotonic clock", decision.Step.Id, trigger.EdgeTime, decision.WorkOrderId));
                }

                var frameFindings = quality.Findings(cameraId).Select(f => point.Procedure.NewFinding(FindingCodes.BadFrame, f, decision.Step.Id, trigger.EdgeTime, decision.WorkOrderId)).ToList();
                List<Finding> shotFindings = [.. findings, .. frameFindings];
                var stamp = new PhotoStamp(cameraId, photo, Math.Max(photos, shots.Count), clock);
                var record = await outbox.AppendAsync((sequence, prevHash) => Build(sequence, prevHash, trigger, decision, frame, stamp, jpeg, shotFindings, quality), jpeg, cancellationToken);
                cameras.KeepOverlay(record, jpeg);
                recordIds.Add(record.RecordId);
                Report(frameFindings);
                Log.Recorded(logger, record.Sequence, record.PointId, record.Step.Id, cameraId, record.Frame.AgeMs);
            }
        }

        if (recordIds.Count == 0)
        {
            point.Procedure.Defer(findings); // no record carried them: the next record of the point will
        }

        void AddMissing(string cameraId, int taken, string error)
        {
            for (var missing = taken + 1; missing <= photos; missing++)
            {
                findings.Add(point.Procedure.NewFinding(FindingCodes.PhotoMissing, $"photo {missing}/{photos} of step '{decision.Step.Id}' from camera {cameraId} missing: {error}", decision.Step.Id, trigger.EdgeTime, decision.WorkOrderId));
            }
        }

        Report(findings);
        return new TriggerOutcome(trigger.PointId, decision.Step.Id, recordIds, [.. findings.Select(f => f.ToString())]);
    }

    private void Report(List<Finding> findings)
    {
        foreach (var finding in findings)
        {
            findingLog.Report(finding);
        }
    }

    private EvidenceRecord Build(long sequence, string prevHash, TriggerEvent trigger, StepDecision decision, Frame frame, PhotoStamp photo, byte[] jpeg, List<Finding> findings, FrameQuality quality)
    {
        var age = timeProvider.GetElapsedTime(trigger.EdgeTimestamp, frame.Timestamp);
        var record = new EvidenceRecord
        {
            RecordId = Guid.CreateVersion7(timeProvider.GetUtcNow()),
            Sequence = sequence,
            DeviceId = options.Value.DeviceId,
            SiteId = options.Value.SiteId,
            PointId = trigger.PointId,
            WorkOrder = new WorkOrderStamp(decision.WorkOrderId, decision.ProcedureId)
            {
                ProcedureVersion = decision.ProcedureVersion,
                Status = decision.Status,
                StartedBy = decision.StartedBy,
                StartedAt = decision.StartedAt,
                Operators = decision.Operators,
                AbortReason = decision.AbortReason,
            },
            Step = new StepStamp(decision.Step.Id, decision.StepIndex, decision.Step.Names, decision.Advanced)
            {
                EnteredAt = decision.StepEnteredAt,
                Photo = photo.Number,
                PhotosRequired = photo.Of,
            },
            Trigger = new TriggerStamp(trigger.Kind.ToString(), trigger.Source, trigger.Input, trigger.EdgeTime, trigger.Operator),
            Frame = new FrameStamp(photo.CameraId, frame.Sequence, frame.ArrivedAt, Math.Round(age.TotalMilliseconds, 1), frame.Width, frame.Height) { Quality = quality },
            Image = new ImageStamp(Convert.ToHexStringLower(SHA256.HashData(jpeg)), jpeg.Length),
            CreatedAt = timeProvider.GetUtcNow(),
            Findings = [.. findings.Select(f => f.ToString())],
            Clock = photo.Clock,
            PrevHash = prevHash,
        };
        return EvidenceSignature.Sign(record, deviceKey.Key);
    }

    private sealed record PhotoStamp(string CameraId, int Number, int Of, ClockStamp Clock);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Record #{Sequence} at {PointId}, step {StepId}, camera {CameraId}, frame age {AgeMs} ms")]
        public static partial void Recorded(ILogger logger, long sequence, string pointId, string stepId, string cameraId, double ageMs);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Trigger at {PointId} ({Kind}) could not be recorded")]
        public static partial void TriggerFailed(ILogger logger, Exception exception, string pointId, TriggerKind kind);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Camera {CameraId} gave no frame: {Reason}")]
        public static partial void CameraMissing(ILogger logger, string cameraId, string reason);
    }
}
