using EdgeAgent.Procedure;

namespace EdgeAgent.Capture;

/// <summary>
/// What the capture stage hands on for one decided trigger: the trigger and its decision, the request the step
/// made, and per camera (in the point's order) the photos with their JPEGs and what was missing.
/// </summary>
/// <param name="Decided">The trigger and the step it stamps; its <see cref="DecidedTrigger.Done"/> is the evidence stage's to complete.</param>
/// <param name="Request">The frames the step asked each camera for.</param>
/// <param name="Cameras">Each camera that was asked, in order; empty when the decision photographs nothing.</param>
/// <param name="WithoutRing">Cameras asked for pre-trigger frames that keep no pre-trigger ring.</param>
/// <param name="NotOfPoint">Cameras the step names that the point does not have.</param>
/// <param name="PreviousEdge">The point's previous photographed trigger (pre-trigger photos are produced after it).</param>
/// <param name="Ledger">The job's frames already evidence (a late photo claims its frame here too); null when nothing was captured.</param>
public sealed record CaptureBatch(
    DecidedTrigger Decided,
    FrameRequest Request,
    IReadOnlyList<CameraShots> Cameras,
    IReadOnlyList<string> WithoutRing,
    IReadOnlyList<string> NotOfPoint,
    DateTimeOffset? PreviousEdge,
    FrameLedger? Ledger);
