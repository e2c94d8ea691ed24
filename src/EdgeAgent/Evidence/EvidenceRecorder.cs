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
/// The evidence stage: the capture bus's one reader. For each <see cref="CaptureBatch"/> (a decided trigger and
/// every camera's photos, already encoded) it turns what was captured and what was missing into findings, stamps the
/// clock, signs one record per photo for the chain's next link and writes record and image durably to the outbox.
/// A trigger counts as handled only when its records are on disk (it then completes the trigger's
/// <see cref="DecidedTrigger.Done"/>); a camera that gave no photo produced after the edge makes the outcome not
/// <see cref="TriggerOutcome.Ok"/>, and its photo is taken late when the camera returns.
/// </summary>
public sealed partial class EvidenceRecorder(
    IOptions<EdgeAgentOptions> options,
    CaptureBus bus,
    ProcedureRegistry procedures,
    CameraRegistry cameras,
    EvidenceOutbox outbox,
    DeviceKey deviceKey,
    ClockTrust clockTrust,
    FindingLog findingLog,
    TimeProvider timeProvider,
    ILogger<EvidenceRecorder> logger,
    Capture.Clips.IClipSource? clipSource = null) : BackgroundService
{
    private int quarantineReported;

    /// <summary>Raised after each record is durably in the outbox (late photos too); for tests and diagnostics.</summary>
    public event EventHandler<EvidenceRecord>? Recorded;

    /// <summary>Raised when a record and its original JPEG are durably in the outbox, before <see cref="Recorded"/>; the overlay copies react to it.</summary>
    public event EventHandler<StoredPhoto>? PhotoStored;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var batch in bus.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                batch.Decided.Done.TrySetResult(await RecordAsync(batch, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                batch.Decided.Done.TrySetCanceled(stoppingToken);
                throw;
            }
            catch (Exception ex)
            {
                batch.Decided.Done.TrySetException(ex); // the procedure stage logs it, and turns a full disk into a finding
            }
        }
    }

    /// <summary>Writes the records of one captured trigger durably and returns its outcome.</summary>
    public async Task<TriggerOutcome> RecordAsync(CaptureBatch batch, CancellationToken cancellationToken)
    {
        var (trigger, decision) = (batch.Decided.Trigger, batch.Decided.Decision);
        var point = procedures.Get(trigger.PointId);
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
            batch.Decided.HandBack([.. findings]); // no record now: the procedure stage keeps them for the point's next record
            Report(findings);
            return new TriggerOutcome(trigger.PointId, decision.Step.Id, recordIds, [.. findings.Select(f => f.ToString())]);
        }

        // Every camera's photos were taken at once (CaptureStage), so every photo of a trigger shows the same moment;
        // here one record per photo.
        var request = batch.Request;
        var photos = request.PostTrigger;
        foreach (var blind in batch.WithoutRing)
        {
            findings.Add(raise.NoPreTriggerRing(blind, request.PreTrigger ?? 0));
        }

        var withoutPhoto = new List<string>();
        foreach (var absent in batch.NotOfPoint)
        {
            withoutPhoto.Add(absent);
            findings.Add(raise.CameraNotOfPoint(absent));
        }

        // First every camera's outcome, so each record carries the findings of the whole trigger (a dead second camera too).
        var late = new List<(string CameraId, string Reason)>();
        foreach (var camera in batch.Cameras)
        {
            var cameraId = camera.CameraId;
            if (camera.Result is not { } result)
            {
                var why = camera.Unavailable ?? "the camera gave nothing";
                Log.CameraMissing(logger, cameraId, why);
                withoutPhoto.Add(cameraId);
                AddMissing(cameraId, 0, why);
                continue;
            }

            AddMissing(cameraId, result.AtAndPost, result.AtMissing is { } missing
                ? $"{missing}; a late photo will be taken when the camera delivers one"
                : "the camera delivered fewer frames than the plan asks for");
            if (result.AtMissing is { } reason)
            {
                withoutPhoto.Add(cameraId);
                late.Add((cameraId, reason));
            }

            if (camera.PreTriggerShort is { } pre)
            {
                // A ring too small for the step is a configuration fault; too few new frames (older ones are never repeated) is not.
                findings.Add(pre.RingTooSmall
                    ? raise.PreTriggerRingTooSmall(cameraId, pre.Wanted, result.Pre)
                    : raise.PreTriggerTooFewNew(cameraId, pre.Wanted, result.Pre, batch.PreviousEdge));
            }

            if (result.PostShort is { } shortBy)
            {
                findings.Add(raise.PostTriggerShort(cameraId, shortBy));
            }
        }

        foreach (var camera in batch.Cameras.Where(c => c.Result is not null))
        {
            var photo = 0;
            foreach (var (shot, jpeg) in camera.Shots)
            {
                photo++;
                var record = await RecordAsync(trigger, decision, camera.CameraId, shot, jpeg, new PhotoNumber(photo, Math.Max(photos, camera.Shots.Count)), findings, null, cancellationToken);
                recordIds.Add(record.RecordId);
            }
        }

        if (recordIds.Count == 0)
        {
            batch.Decided.HandBack([.. findings]); // no record carried them: the procedure stage keeps them for the point's next record
        }

        if (decision.Advanced && decision.Step.Capture.Clip is { } clip)
        {
            TakeClips(trigger, decision, batch.Cameras.Select(c => c.CameraId), clip, [.. findings], cancellationToken); // after the photos: its own record per camera
        }

        foreach (var (cameraId, reason) in late)
        {
            TakeLatePhoto(trigger, decision, cameraId, reason, [.. findings], batch.Ledger!, cancellationToken);
        }

        void AddMissing(string cameraId, int taken, string error)
        {
            for (var missing = taken + 1; missing <= photos; missing++)
            {
                findings.Add(raise.PhotoMissing(cameraId, missing, photos, error));
            }
        }

        Report(findings);
        return new TriggerOutcome(trigger.PointId, decision.Step.Id, recordIds, [.. findings.Select(f => f.ToString())]) { CamerasWithoutPhoto = withoutPhoto };
    }

    /// <summary>Writes one photo's record durably; keeps its overlay copy and reports its frame findings.</summary>
    private async Task<EvidenceRecord> RecordAsync(TriggerEvent trigger, StepDecision decision, string cameraId, CapturedFrame shot, byte[] jpeg, PhotoNumber number, List<Finding> findings, LateStamp? late, CancellationToken cancellationToken)
    {
        var raise = new CaptureFindings(trigger, decision);
        var (frame, quality, role) = shot;
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
