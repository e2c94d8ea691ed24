using System.Security.Cryptography;
using EdgeAgent.Capture.Clips;
using EdgeAgent.Outbox;
using EdgeAgent.Procedure;
using EdgeAgent.Protocol;
using EdgeAgent.Triggers;

namespace EdgeAgent.Evidence;

/// <summary>
/// Clips: a step with <c>capture.clip</c> gets, per camera, the stream from <c>preSeconds</c> before the edge to
/// <c>postSeconds</c> after it, cut by the <see cref="IClipSource"/> once the span has passed (in the background, so
/// the step's photos are not held back), and written as a record of its own, signed and chained like a photo, whose
/// image is the MP4. A camera that gives no clip (raw-only, nothing of the span, cutting failed) leaves a
/// <c>clip-unavailable</c> finding, carried by the point's next record and raised at once; nothing else is lost.
/// </summary>
public sealed partial class EvidenceRecorder
{
    private readonly List<Task> clipsInProgress = [];

    /// <summary>Completes when every clip asked for until now has been recorded or reported unavailable.</summary>
    public Task ClipsSettled()
    {
        lock (lateGate)
        {
            clipsInProgress.RemoveAll(t => t.IsCompleted);
            return Task.WhenAll(clipsInProgress);
        }
    }

    private void TakeClips(TriggerEvent trigger, StepDecision decision, IEnumerable<string> cameraIds, StepClip wanted, List<Finding> findings, CancellationToken cancellationToken)
    {
        foreach (var cameraId in cameraIds)
        {
            var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lateStopping.Token);
            var task = Task.Run(() => ClipAsync(trigger, decision, cameraId, wanted, findings, stopping.Token), CancellationToken.None)
                .ContinueWith(_ => stopping.Dispose(), TaskScheduler.Default);
            lock (lateGate)
            {
                clipsInProgress.RemoveAll(t => t.IsCompleted);
                clipsInProgress.Add(task);
            }
        }
    }

    private async Task ClipAsync(TriggerEvent trigger, StepDecision decision, string cameraId, StepClip wanted, List<Finding> findings, CancellationToken cancellationToken)
    {
        var from = trigger.EdgeTime - TimeSpan.FromSeconds(wanted.PreSeconds);
        var to = trigger.EdgeTime + TimeSpan.FromSeconds(wanted.PostSeconds);
        string why;
        try
        {
            if (clipSource is null)
            {
                why = "this agent has no clip source (no camera keeps its compressed stream)";
            }
            else if (await clipSource.CutAsync(cameraId, from, to, cancellationToken) is not { } clip)
            {
                why = "the camera keeps no compressed stream (a raw-only source) or held nothing of that span";
            }
            else if (ClipProblem(clip, cameraId) is { } problem)
            {
                why = problem;
            }
            else
            {
                await RecordClipAsync(trigger, decision, clip, from, to, findings, cancellationToken);
                return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            Log.ClipFailed(logger, ex, cameraId, decision.Step.Id);
            why = ex is OutboxDiskFullException ? $"the outbox refused it: {ex.Message}" : $"cutting or recording it failed: {ex.Message}";
        }

        var point = procedures.Get(trigger.PointId);
        var finding = new CaptureFindings(trigger, decision).ClipUnavailable(cameraId, wanted, why);
        Log.ClipUnavailable(logger, cameraId, decision.Step.Id, why);
        try
        {
            point.Procedure.Defer([finding]); // the point's next record carries it
        }
        catch (IOException)
        {
            // kept in memory for the next record; saved with the next point state that fits
        }

        Report([finding]);
    }

    /// <summary>Null when the clip source's answer can be recorded as it is; else why not.</summary>
    private static string? ClipProblem(Clip clip, string cameraId) =>
        clip.CameraId != cameraId ? $"the clip source answered with camera {clip.CameraId}'s clip"
        : clip.Mp4.Length == 0 ? "the clip source gave an empty MP4"
        : clip.Codec is not ("h264" or "h265") ? $"the clip's codec '{clip.Codec}' is not h264 or h265"
        : clip.LastProducedAt < clip.FirstProducedAt || clip.Frames < 1 ? "the clip states no frames or a span that ends before it starts"
        : null;

    private async Task RecordClipAsync(TriggerEvent trigger, StepDecision decision, Clip clip, DateTimeOffset from, DateTimeOffset to, List<Finding> findings, CancellationToken cancellationToken)
    {
        var received = timeProvider.GetUtcNow();
        var clock = clockTrust.Sample();
        var record = await AppendSignedAsync(link => BuildClip(link, trigger, decision, clip, from, to, received, clock, findings), clip.Mp4, cancellationToken);
        Log.ClipRecorded(logger, record.Sequence, record.PointId, record.Step.Id, clip.CameraId, clip.Frames, clip.Mp4.Length, Math.Round((clip.FirstProducedAt - trigger.EdgeTime).TotalMilliseconds, 1), Math.Round((clip.LastProducedAt - trigger.EdgeTime).TotalMilliseconds, 1));
        Recorded?.Invoke(this, record);
    }

    /// <summary>The clip record for <paramref name="link"/>, unsigned (<see cref="AppendSignedAsync"/> signs it).</summary>
    private EvidenceRecord BuildClip(NextLink link, TriggerEvent trigger, StepDecision decision, Clip clip, DateTimeOffset from, DateTimeOffset to, DateTimeOffset received, ClockStamp clock, List<Finding> findings)
    {
        return new EvidenceRecord
        {
            RecordId = Guid.CreateVersion7(timeProvider.GetUtcNow()),
            Sequence = link.Sequence,
            DeviceId = options.Value.DeviceId,
            SiteId = options.Value.SiteId,
            PointId = trigger.PointId,
            WorkOrder = WorkOrderOf(decision),
            Step = new StepStamp(decision.Step.Id, decision.StepIndex, decision.Step.Names, decision.Advanced) { EnteredAt = decision.StepEnteredAt },
            Trigger = new TriggerStamp(trigger.Kind.ToString(), trigger.Source, trigger.Input, trigger.EdgeTime, trigger.Operator) { Holder = decision.Holder },

            // The clip's first frame; arrivedAt is when the cut clip reached the recorder. No role: a clip is not a photo.
            Frame = new FrameStamp(clip.CameraId, 0, received, clip.Width, clip.Height)
            {
                ProducedAt = clip.FirstProducedAt,
                ProducedBasis = clip.ProducedBasis,
                OffsetMs = Math.Round((clip.FirstProducedAt - trigger.EdgeTime).TotalMilliseconds, 1),
            },
            Image = new ImageStamp(Convert.ToHexStringLower(SHA256.HashData(clip.Mp4)), clip.Mp4.Length, ClipStamp.ContentType),
            Clip = new ClipStamp(clip.Codec, clip.FirstProducedAt, clip.LastProducedAt, clip.ProducedBasis, clip.Frames, from, to),
            CreatedAt = timeProvider.GetUtcNow(),
            Findings = [.. findings.Select(f => f.ToString())],
            Clock = clock,
            PrevHash = link.PrevHash,
        };
    }
}
