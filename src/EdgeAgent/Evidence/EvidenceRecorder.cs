using System.Collections.Concurrent;
using System.Security.Cryptography;
using EdgeAgent.Capture;
using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using EdgeAgent.Procedure;
using EdgeAgent.Protocol;
using EdgeAgent.Triggers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Evidence;

/// <summary>
/// The heart of the path: takes each trigger, asks the point's procedure which step it stamps, has every
/// camera of the point hand over the frames produced around the edge (pre, at, post; each frame evidence for one
/// record of a job at most), encodes them, and writes record and image durably to the outbox. A trigger counts as
/// handled only when its records are on disk; a camera that gave no photo produced after the edge makes the
/// outcome not <see cref="TriggerOutcome.Ok"/>, and its photo is taken late when the camera returns.
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
    ILogger<EvidenceRecorder> logger,
    Capture.Clips.IClipSource? clipSource = null) : BackgroundService
{
    private readonly ConcurrentDictionary<string, FrameLedger> ledgers = new(StringComparer.Ordinal);
    private int quarantineReported;

    /// <summary>Raised after each record is durably in the outbox (late photos too); for tests and diagnostics.</summary>
    public event EventHandler<EvidenceRecord>? Recorded;

    /// <summary>Raised when a record and its original JPEG are durably in the outbox, before <see cref="Recorded"/>; the overlay copies react to it.</summary>
    public event EventHandler<StoredPhoto>? PhotoStored;

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
        var raise = new CaptureFindings(trigger, decision);
        var recordIds = new List<Guid>();
        var findings = decision.Findings.ToList();
        if ((outbox.Condition.StateLost?.Message ?? outbox.Condition.QuarantineDetail) is { } lost && Interlocked.Exchange(ref quarantineReported, 1) == 0)
        {
            // The auditor must see why this device's chain has a hole or restarts: the first record after start-up says so.
            findings.Add(raise.OutboxLost(outbox.Condition.StateLost is not null, lost));
        }

        if (!decision.Capture)
        {
            point.Procedure.Defer(findings); // no record now: the next record of the point carries them
            Report(findings);
            return new TriggerOutcome(trigger.PointId, decision.Step.Id, recordIds, [.. findings.Select(f => f.ToString())]);
        }

        // All cameras at once (each camera's capture plan: pre-trigger frames, then the at and post photos), so every
        // photo of a trigger shows the same moment; then one record per photo. The step's capture settings drive the
        // plan (pre-trigger frames, post-trigger frames, interval, settle); the camera's options are the defaults.
        var step = decision.Step.Capture;
        var wanted = step.Cameras;
        var request = decision.Advanced
            ? new FrameRequest(step.PreFrames, step.PostTrigger, step.IntervalMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, TimeSpan.FromMilliseconds(step.SettleMs))
            : new FrameRequest(null, 1);
        var photos = request.PostTrigger;
        var capturing = point.Options.Cameras.Where(c => wanted.Count == 0 || wanted.Contains(c)).ToList();
        var ledger = ledgers.GetOrAdd(trigger.PointId, _ => new FrameLedger());
        var moment = new CaptureMoment(trigger.EdgeTime, trigger.EdgeTimestamp, ledger.Begin(decision.WorkOrderId, trigger.EdgeTime), ledger);
        var captures = cameras.StartCaptures(capturing, moment, request, decision.Step.Id, cancellationToken);
        foreach (var blind in capturing.Where(c => request.PreTrigger > 0 && !cameras.HasPreTriggerRing(c)))
        {
            findings.Add(raise.NoPreTriggerRing(blind, request.PreTrigger ?? 0));
        }

        var withoutPhoto = new List<string>();
        foreach (var absent in wanted.Where(c => !point.Options.Cameras.Contains(c)))
        {
            withoutPhoto.Add(absent);
            findings.Add(raise.CameraNotOfPoint(absent));
        }

        // First every camera's outcome, so each record carries the findings of the whole trigger (a dead second camera too).
        var taken = new List<(string CameraId, IReadOnlyList<CapturedFrame> Shots)>();
        var late = new List<(string CameraId, string Reason)>();
        foreach (var cameraId in capturing)
        {
            try
            {
                var capture = await captures[cameraId];
                taken.Add((cameraId, capture.Shots));
                var result = capture.Result;
                AddMissing(cameraId, result.AtAndPost, result.AtMissing is { } why
                    ? $"{why}; a late photo will be taken when the camera delivers one"
                    : "the camera delivered fewer frames than the plan asks for");
                if (result.AtMissing is { } reason)
                {
                    withoutPhoto.Add(cameraId);
                    late.Add((cameraId, reason));
                }

                CheckPreTrigger(cameraId, result);
                if (result.PostShort is { } shortBy)
                {
                    findings.Add(raise.PostTriggerShort(cameraId, shortBy));
                }
            }
            catch (CameraUnavailableException ex)
            {
                Log.CameraMissing(logger, cameraId, ex.Message);
                withoutPhoto.Add(cameraId);
                AddMissing(cameraId, 0, ex.Message);
            }
        }

        foreach (var (cameraId, shots) in taken)
        {
            var photo = 0;
            foreach (var shot in shots)
            {
                photo++;
                var record = await RecordAsync(trigger, decision, cameraId, shot, new PhotoNumber(photo, Math.Max(photos, shots.Count)), findings, null, cancellationToken);
                recordIds.Add(record.RecordId);
            }
        }

        if (recordIds.Count == 0)
        {
            point.Procedure.Defer(findings); // no record carried them: the next record of the point will
        }

        if (decision.Advanced && step.Clip is { } clip)
        {
            TakeClips(trigger, decision, capturing, clip, [.. findings], cancellationToken); // after the photos: its own record per camera
        }

        foreach (var (cameraId, reason) in late)
        {
            TakeLatePhoto(trigger, decision, cameraId, reason, [.. findings], ledger, cancellationToken);
        }

        void AddMissing(string cameraId, int taken, string error)
        {
            for (var missing = taken + 1; missing <= photos; missing++)
            {
                findings.Add(raise.PhotoMissing(cameraId, missing, photos, error));
            }
        }

        void CheckPreTrigger(string cameraId, CaptureResult result)
        {
            var preWanted = request.PreTrigger ?? cameras.Settings[cameraId].PreTriggerPhotos;
            if (!cameras.HasPreTriggerRing(cameraId) || result.Pre >= preWanted)
            {
                return;
            }

            var frameBytes = result.Shots.Count > 0 ? result.Shots[0].Frame.Bytes : 0;
            if (!cameras.Get(cameraId).Ring.Compressed && cameras.Get(cameraId).Ring.MaxBytes < preWanted * frameBytes) // a compressed ring holds every frame
            {
                // A ring too small for the step is a configuration fault; a ring still filling after start is not.
                findings.Add(raise.PreTriggerRingTooSmall(cameraId, preWanted, result.Pre));
            }
            else if (result.PreBeforeEdge > result.Pre || (cameras.Get(cameraId).FirstFrameAt is { } first && first <= trigger.EdgeTime - cameras.Get(cameraId).Ring.Window))
            {
                // Older frames were left out (from before the previous trigger, or already another record's photo), or the
                // ring had its whole window before the edge (not still filling after start): fewer new frames than asked.
                // Older frames exist but are from before the previous trigger, or already another record's photo: never repeated.
                findings.Add(raise.PreTriggerTooFewNew(cameraId, preWanted, result.Pre, moment.PreviousEdge));
            }
        }

        Report(findings);
        return new TriggerOutcome(trigger.PointId, decision.Step.Id, recordIds, [.. findings.Select(f => f.ToString())]) { CamerasWithoutPhoto = withoutPhoto };
    }

    /// <summary>Encodes one photo and writes its record durably; keeps its overlay copy and reports its frame findings.</summary>
    private async Task<EvidenceRecord> RecordAsync(TriggerEvent trigger, StepDecision decision, string cameraId, CapturedFrame shot, PhotoNumber number, List<Finding> findings, LateStamp? late, CancellationToken cancellationToken)
    {
        var raise = new CaptureFindings(trigger, decision);
        var settings = cameras.Settings[cameraId];
        var (frame, quality, role) = shot;
        var jpeg = JpegEncoder.Encode(frame.Image, settings.JpegQuality);
        var clock = clockTrust.Sample();
        if (clock.JumpMs is { } jump)
        {
            findings.Add(raise.ClockJump(jump));
        }

        var frameFindings = quality.Findings(cameraId).Select(raise.BadFrame).ToList();
        List<Finding> shotFindings = [.. findings, .. frameFindings];
        var stamp = new PhotoStamp(cameraId, number.Number, number.Of, clock, role, late);
        var record = await AppendSignedAsync(link => Build(link, trigger, decision, frame, stamp, jpeg, shotFindings, quality), jpeg, cancellationToken);
        PhotoStored?.Invoke(this, new StoredPhoto(record, jpeg));
        Report(frameFindings);
        var offset = record.Frame.OffsetMs ?? 0;
        Log.Recorded(logger, record.Sequence, record.PointId, record.Step.Id, cameraId, role, offset, frame.ProducedBasis, record.Trigger.Holder ?? "-");
        Recorded?.Invoke(this, record);
        return record;
    }

    private void Report(List<Finding> findings)
    {
        foreach (var finding in findings)
        {
            findingLog.Report(finding);
        }
    }

    /// <summary>The job as the record states it: the same for photo and clip records.</summary>
    private static WorkOrderStamp WorkOrderOf(StepDecision decision) => new(decision.WorkOrderId, decision.ProcedureId)
    {
        ProcedureVersion = decision.ProcedureVersion,
        Status = decision.Status,
        StartedBy = decision.StartedBy,
        StartedAt = decision.StartedAt,
        Operators = decision.Operators,
        AbortReason = decision.AbortReason,
    };

    /// <summary>The photo record for <paramref name="link"/>, unsigned (<see cref="AppendSignedAsync"/> signs it).</summary>
    private EvidenceRecord Build(NextLink link, TriggerEvent trigger, StepDecision decision, Frame frame, PhotoStamp photo, byte[] jpeg, List<Finding> findings, FrameQuality quality)
    {
        var offset = Math.Round((frame.ProducedAt - trigger.EdgeTime).TotalMilliseconds, 1);
        return new EvidenceRecord
        {
            RecordId = Guid.CreateVersion7(timeProvider.GetUtcNow()),
            Sequence = link.Sequence,
            DeviceId = options.Value.DeviceId,
            SiteId = options.Value.SiteId,
            PointId = trigger.PointId,
            WorkOrder = WorkOrderOf(decision),
            Step = new StepStamp(decision.Step.Id, decision.StepIndex, decision.Step.Names, decision.Advanced)
            {
                EnteredAt = decision.StepEnteredAt,
                Photo = photo.Number,
                PhotosRequired = photo.Of,
            },
            Trigger = new TriggerStamp(trigger.Kind.ToString(), trigger.Source, trigger.Input, trigger.EdgeTime, trigger.Operator) { Holder = decision.Holder },
            Frame = new FrameStamp(photo.CameraId, frame.Sequence, frame.ArrivedAt, frame.Width, frame.Height)
            {
                ProducedAt = frame.ProducedAt,
                ProducedBasis = frame.ProducedBasis,
                OffsetMs = offset,
                Role = photo.Role,
                Late = photo.Late,
                Quality = quality,
            },
            Image = new ImageStamp(Convert.ToHexStringLower(SHA256.HashData(jpeg)), jpeg.Length),
            CreatedAt = timeProvider.GetUtcNow(),
            Findings = [.. findings.Select(f => f.ToString())],
            Clock = photo.Clock,
            PrevHash = link.PrevHash,
        };
    }

    private sealed record PhotoStamp(string CameraId, int Number, int Of, ClockStamp Clock, FrameRole Role, LateStamp? Late);

    private sealed record PhotoNumber(int Number, int Of);
}
