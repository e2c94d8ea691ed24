using System.Security.Cryptography;
using EdgeAgent.Capture;
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
    TimeProvider timeProvider,
    ILogger<EvidenceRecorder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var trigger in bus.Reader.ReadAllAsync(stoppingToken))
        {
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
            catch (Exception ex)
            {
                Log.TriggerFailed(logger, ex, trigger.PointId, trigger.Kind);
                trigger.Completion?.TrySetException(ex);
            }
        }
    }

    public async Task<TriggerOutcome> HandleAsync(TriggerEvent trigger, CancellationToken cancellationToken)
    {
        var point = procedures.Get(trigger.PointId);
        var decision = point.Procedure.Handle(trigger);
        var recordIds = new List<Guid>();
        var findings = decision.Findings.ToList();
        if (!decision.Capture)
        {
            point.Procedure.Defer(findings); // no record now: the next record of the point carries them
            Report(findings);
            return new TriggerOutcome(trigger.PointId, decision.Step.Id, recordIds, [.. findings.Select(f => f.ToString())]);
        }

        // All cameras at once, so every photo of a trigger shows the same moment; then one record each.
        var wanted = decision.Step.Capture.Cameras;
        var photos = decision.Advanced ? decision.Step.Capture.Photos : 1;
        var shots = await Task.WhenAll(point.Options.Cameras
            .Where(c => wanted.Count == 0 || wanted.Contains(c))
            .Select(c => CaptureAsync(c, photos, trigger.EdgeTimestamp, cancellationToken)));
        foreach (var absent in wanted.Where(c => !point.Options.Cameras.Contains(c)))
        {
            findings.Add(point.Procedure.NewFinding(FindingCodes.PhotoMissing, $"step '{decision.Step.Id}' wants camera {absent}, which is not a camera of point {trigger.PointId}", decision.Step.Id, trigger.EdgeTime, decision.WorkOrderId));
        }

        foreach (var (cameraId, photo, _, error) in shots.SelectMany(s => s).Where(s => s.Frame is null))
        {
            findings.Add(point.Procedure.NewFinding(FindingCodes.PhotoMissing, $"photo {photo}/{photos} of step '{decision.Step.Id}' from camera {cameraId} missing: {error}", decision.Step.Id, trigger.EdgeTime, decision.WorkOrderId));
            Log.CameraMissing(logger, cameraId, error!);
        }

        foreach (var (cameraId, photo, frame, _) in shots.SelectMany(s => s).Where(s => s.Frame is not null))
        {
            var settings = cameras.Settings[cameraId];
            var jpeg = JpegEncoder.Encode(frame!.Image, settings.JpegQuality);
            var clock = clockTrust.Sample();
            if (clock.JumpMs is { } jump)
            {
                findings.Add(point.Procedure.NewFinding(FindingCodes.ClockJump, $"wall clock jumped {jump} ms against the monotonic clock", decision.Step.Id, trigger.EdgeTime, decision.WorkOrderId));
            }

            var stamp = new PhotoStamp(cameraId, photo, photos, clock);
            var record = await outbox.AppendAsync((sequence, prevHash) => Build(sequence, prevHash, trigger, decision, frame, stamp, jpeg, findings), jpeg, cancellationToken);
            recordIds.Add(record.RecordId);
            Log.Recorded(logger, record.Sequence, record.PointId, record.Step.Id, cameraId, record.Frame.AgeMs);
        }

        if (recordIds.Count == 0)
        {
            point.Procedure.Defer(findings); // no record carried them: the next record of the point will
        }

        Report(findings);
        return new TriggerOutcome(trigger.PointId, decision.Step.Id, recordIds, [.. findings.Select(f => f.ToString())]);
    }

    /// <summary>Photos 1..n from one camera: the first at or after the trigger, each next one a newer frame.</summary>
    private async Task<List<(string CameraId, int Photo, Frame? Frame, string? Error)>> CaptureAsync(string cameraId, int photos, long after, CancellationToken cancellationToken)
    {
        var reader = cameras.Get(cameraId);
        var wait = TimeSpan.FromMilliseconds(cameras.Settings[cameraId].FreshFrameWaitMs);
        var shots = new List<(string, int, Frame?, string?)>();
        for (var photo = 1; photo <= photos; photo++)
        {
            try
            {
                var frame = await reader.CaptureAsync(after, wait, cancellationToken);
                shots.Add((cameraId, photo, frame, null));
                after = frame.Timestamp + 1;
            }
            catch (CameraUnavailableException ex)
            {
                shots.Add((cameraId, photo, null, ex.Message));
            }
        }

        return shots;
    }

    private void Report(List<Finding> findings)
    {
        foreach (var finding in findings)
        {
            findingLog.Report(finding);
        }
    }

    private EvidenceRecord Build(long sequence, string prevHash, TriggerEvent trigger, StepDecision decision, Frame frame, PhotoStamp photo, byte[] jpeg, List<Finding> findings)
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
            Frame = new FrameStamp(photo.CameraId, frame.Sequence, frame.ArrivedAt, Math.Round(age.TotalMilliseconds, 1), frame.Width, frame.Height),
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
