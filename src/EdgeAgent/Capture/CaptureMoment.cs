namespace EdgeAgent.Capture;

/// <summary>What a capture is measured against: the trigger's edge, the previous trigger's edge, and the job's ledger.</summary>
/// <param name="EdgeTime">Wall-clock time of the edge; frames are chosen by their production time against it.</param>
/// <param name="EdgeTimestamp">Monotonic time of the edge, for waiting.</param>
/// <param name="PreviousEdge">The point's previous photographed trigger; pre-trigger photos are produced after it.</param>
/// <param name="Ledger">Frames already evidence in this job.</param>
public sealed record CaptureMoment(DateTimeOffset EdgeTime, long EdgeTimestamp, DateTimeOffset? PreviousEdge, FrameLedger Ledger);
