using EdgeAgent.Procedure;
using EdgeAgent.Triggers;

namespace EdgeAgent.Evidence;

/// <summary>
/// The one place the evidence stage builds its findings for a trigger: what went wrong while capturing and recording
/// it (a photo, pre- or post-trigger frames, a clip, the clock, the outbox). Every finding is stamped with the trigger's
/// point and edge time and the <see cref="StepDecision"/>'s work order and step, so the recorder only says which one.
/// The codes and texts are part of the record (<c>code: message</c>); alert rules, tests and docs rely on them.
/// </summary>
internal sealed class CaptureFindings(TriggerEvent trigger, StepDecision decision)
{
    private string StepId => decision.Step.Id;

    /// <summary>The step names a camera the point does not have.</summary>
    public Finding CameraNotOfPoint(string cameraId) =>
        New(FindingCodes.PhotoMissing, $"step '{StepId}' wants camera {cameraId}, which is not a camera of point {trigger.PointId}");

    /// <summary>Photo <paramref name="number"/> of <paramref name="of"/> from a camera was not taken, and why.</summary>
    public Finding PhotoMissing(string cameraId, int number, int of, string why) =>
        New(FindingCodes.PhotoMissing, $"photo {number}/{of} of step '{StepId}' from camera {cameraId} missing: {why}");

    /// <summary>The step wants frames from before the trigger, but the camera keeps no pre-trigger ring.</summary>
    public Finding NoPreTriggerRing(string cameraId, int wanted) =>
        New(FindingCodes.PreTriggerUnavailable, $"step '{StepId}' asks for {wanted} frames from before the trigger but camera {cameraId} keeps no pre-trigger ring (set its PreTriggerMegabytes)");

    /// <summary>The camera's pre-trigger ring is too small for the frames the step wants (a configuration fault).</summary>
    public Finding PreTriggerRingTooSmall(string cameraId, int wanted, int held) =>
        New(FindingCodes.PreTriggerUnavailable, $"step '{StepId}' asks for {wanted} frames from before the trigger but camera {cameraId}'s ring holds only {held} of its frames (raise its PreTriggerMegabytes)");

    /// <summary>The camera produced fewer new frames before the edge than the step wants (since the previous trigger, if any).</summary>
    public Finding PreTriggerTooFewNew(string cameraId, int wanted, int produced, DateTimeOffset? previousEdge)
    {
        var since = previousEdge is { } previous ? $" since the previous trigger at {previous:HH:mm:ss.fff}" : "";
        return New(FindingCodes.PreTriggerUnavailable, $"step '{StepId}' asks for {wanted} frames from before the trigger but camera {cameraId} produced only {produced} new frame(s){since}; an older photo is not repeated");
    }

    /// <summary>The camera delivered fewer post-trigger frames than the step asks for.</summary>
    public Finding PostTriggerShort(string cameraId, string shortBy) =>
        New(FindingCodes.PostTriggerShort, $"step '{StepId}' camera {cameraId}: {shortBy}");

    /// <summary>The step's clip of a camera was not recorded, and why.</summary>
    public Finding ClipUnavailable(string cameraId, StepClip wanted, string why) =>
        New(FindingCodes.ClipUnavailable, $"step '{StepId}' asks for a clip of camera {cameraId} ({wanted.PreSeconds:0.###} s before to {wanted.PostSeconds:0.###} s after the trigger), but {why}");

    /// <summary>The wall clock jumped against the monotonic clock while recording.</summary>
    public Finding ClockJump(long jumpMs) =>
        New(FindingCodes.ClockJump, $"wall clock jumped {jumpMs} ms against the monotonic clock");

    /// <summary>A photo that is not valid evidence, in the words of its frame check.</summary>
    public Finding BadFrame(string message) => New(FindingCodes.BadFrame, message);

    /// <summary>The outbox lost its state or was quarantined at start: why this device's chain has a hole or restarts.</summary>
    public Finding OutboxLost(bool stateLost, string message) =>
        New(stateLost ? FindingCodes.StateLost : FindingCodes.OutboxQuarantined, message);

    private Finding New(string code, string message) =>
        new(code, message, trigger.PointId, decision.WorkOrderId, StepId, trigger.EdgeTime);
}
