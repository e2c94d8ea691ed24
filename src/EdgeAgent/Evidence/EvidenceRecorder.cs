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

        var photos = decision.Advanced ? Math.Max(1, decision.Step.Photos) : 1;
        var captures = cameras.StartCaptures(point.Options.Cameras, trigger.EdgeTimestamp, photos, decision.Step.Id, cancellationToken);
        foreach (var cameraId in point.Options.Cameras)
        {
            var settings = cameras.Settings[cameraId];
            IReadOnlyList<CapturedFrame> shots;
            try
            {
                shots = await captures[cameraId];
            }
            catch (CameraUnavailableException ex)
            {
                findings.Add($"required photo missing: {ex.Message}");
                Log.CameraMissing(logger, cameraId, ex.Message);
                continue;
            }

            foreach (var (frame, quality) in shots)
            {
                var jpeg = JpegEncoder.Encode(frame.Image, settings.JpegQuality);
                var record = await outbox.AppendAsync(sequence => Build(sequence, trigger, decision, frame, cameraId, jpeg, [.. findings, .. quality.Findings(cameraId)], quality), jpeg, cancellationToken);
                cameras.KeepOverlay(record, jpeg);
                recordIds.Add(record.RecordId);
                Log.Recorded(logger, record.Sequence, record.PointId, record.Step.Id, cameraId, record.Frame.AgeMs);
            }
        }

        return new TriggerOutcome(trigger.PointId, decision.Step.Id, recordIds, findings);
    }

    private EvidenceRecord Build(long sequence, TriggerEvent trigger, StepDecision decision, Frame frame, string cameraId, byte[] jpeg, List<string> findings, FrameQuality? quality = null)
    {
        var age = timeProvider.GetElapsedTime(trigger.EdgeTimestamp, frame.Timestamp);
        return new EvidenceRecord
        {
            RecordId = Guid.CreateVersion7(timeProvider.GetUtcNow()),
            Sequence = sequence,
            DeviceId = options.Value.DeviceId,
            SiteId = options.Value.SiteId,
            PointId = trigger.PointId,
            WorkOrder = new WorkOrderStamp(decision.WorkOrderId, decision.ProcedureId),
            Step = new StepStamp(decision.Step.Id, decision.StepIndex, decision.Step.Names, decision.Advanced),
            Trigger = new TriggerStamp(trigger.Kind.ToString(), trigger.Source, trigger.Input, trigger.EdgeTime, trigger.Operator),
            Frame = new FrameStamp(cameraId, frame.Sequence, frame.ArrivedAt, Math.Round(age.TotalMilliseconds, 1), frame.Width, frame.Height) { Quality = quality },
            Image = new ImageStamp(Convert.ToHexStringLower(SHA256.HashData(jpeg)), jpeg.Length),
            CreatedAt = timeProvider.GetUtcNow(),
            Findings = [.. findings],
        };
    }

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
